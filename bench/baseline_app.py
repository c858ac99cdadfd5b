"""The baseline: a bare Flask JSON endpoint served exactly as `claimtrack serve` serves the API.

    python bench/baseline_app.py --bind 127.0.0.1:8101 --workers 2     # GET /ok → {"status": "ok"}

It goes through api.cli._serve itself (same gunicorn BaseApplication: workers, gevent worker
class, timeout, log level, access log to stdout), with only the WSGI app swapped, so the
ratio API/baseline measures the application and nothing about the server set-up.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask, jsonify  # noqa: E402

import api.cli as cli  # noqa: E402
from api.config import Config  # noqa: E402


def create_baseline_app() -> Flask:
    app = Flask("baseline")

    @app.get("/ok")
    def ok():
        return jsonify(status="ok")

    return app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="bare Flask JSON endpoint under claimtrack's gunicorn settings")
    parser.add_argument("--bind", required=True)
    parser.add_argument("--workers", type=int)
    args = parser.parse_args(argv)
    cli._use_gevent()
    config = Config.from_env()
    config = config.with_(bind=args.bind, workers=args.workers or config.workers)
    cli._app = lambda _config=None, **_: create_baseline_app()  # what _serve's load() builds
    cli._serve(config)


if __name__ == "__main__":
    main()
