"""In-process CPU per request of the read scenarios, and the SQL statements each one runs: figures
that a machine shared with other work disturbs far less than requests/s.

    python bench/inprocess_cpu.py bench/data/sqlite-10000.json          # this checkout's code
    PYTHONPATH=/path/to/other/checkout python bench/inprocess_cpu.py …  # another commit's, same data
    python bench/inprocess_cpu.py bench/data/postgres-10000.json --only "GET a claim" --repeat 5

The manifest is what `bench/run.py` (dataset_store) writes beside each generated dataset. Requests
go to the WSGI app itself (an environ built once per path, as gunicorn would hand it over, the body
read to the end), so the figures are the application's and not the test client's. Each path is
read once to warm the process (every cache holds it, as in the wrk scenarios), then each case is
timed `--repeat` times (best kept). "statements" is how many SQL statements one request of the case
sent to the database (each a round trip on PostgreSQL), counted after the warm-up.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH: another checkout given there is the one measured

import peewee  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

VERDICT_BODY = '{"rating": "unverifiable"}'  # bench/scenarios.py's


def _cases(manifest: dict) -> dict[str, list[str]]:
    cases = {
        "health": ["/healthz"],
        "GET a claim": [f"/v1/claims/{c}" for c in manifest["sample_claims"]][:200],
        "list corroborated p1": ["/v1/claims?status=corroborated"],
        "list by claimant": [f"/v1/claims?claimant={p}" for p in manifest["claimants"]][:50],
        "annotations": [f"/v1/sources/{s}/annotations" for s in manifest["sample_sources"]][:100],
        "GET a job": [f"/v1/jobs/{j}" for j in manifest.get("extras", {}).get("sample_jobs", [])],
        # As bench/scenarios.py: claims already rated unverifiable, so their status stays the same.
        "POST a verdict": [f"POST /v1/claims/{c}/verdicts" for c in manifest["unverifiable_claims"]][:200],
    }
    return {name: paths for name, paths in cases.items() if paths}


class StatementCounter:
    """Counts every statement peewee sends (Database.execute_sql), for the whole process."""

    def __init__(self):
        self.count = 0
        original = peewee.Database.execute_sql

        def counting(db, sql, params=None, *args, **kwargs):
            self.count += 1
            return original(db, sql, params, *args, **kwargs)
        peewee.Database.execute_sql = counting


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manifest")
    parser.add_argument("--only", action="append", help="run only this case (repeatable)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case, best kept (default 3)")
    parser.add_argument("--requests", type=int, default=1000, help="requests per timed run (default 1000)")
    parser.add_argument("--cprofile", type=int, metavar="N",
                        help="instead of timing, profile one run of each case and print its N costliest functions")
    args = parser.parse_args(argv)
    manifest = json.loads(Path(args.manifest).read_text())

    from api.app import create_app
    from api.config import Config
    import api
    print("code from", api.__file__)
    counter = StatementCounter()
    app = create_app(Config(database_url=manifest["database_url"], rate_limit_per_minute=10**9))
    headers = {"Authorization": f"Bearer {manifest['token']}"}

    def environ(path: str) -> dict:
        method, _, post_path = path.partition("POST ")
        if post_path:
            return EnvironBuilder(path=post_path, method="POST", headers=headers, base_url="http://localhost",
                                  data=VERDICT_BODY, content_type="application/json").get_environ()
        return EnvironBuilder(path=path, headers=headers, base_url="http://localhost").get_environ()

    def call(prepared: dict) -> int:
        environ = dict(prepared)
        environ["wsgi.input"] = io.BytesIO(VERDICT_BODY.encode() if environ["REQUEST_METHOD"] == "POST" else b"")
        status = []
        body = app(environ, lambda s, h, exc_info=None: status.append(s))
        for _ in body:
            pass
        if hasattr(body, "close"):
            body.close()
        return int(status[0].split()[0])

    for name, paths in _cases(manifest).items():
        if args.only and name not in args.only:
            continue
        environs = [environ(p) for p in paths]
        for e, path in zip(environs, paths):
            assert call(e) in (200, 201), path
        before = counter.count
        for e in environs:
            call(e)
        statements = (counter.count - before) / len(environs)
        n = max(args.requests, len(environs))
        if args.cprofile:
            profile = cProfile.Profile(time.process_time)  # CPU: the core is shared
            profile.enable()
            for i in range(n):
                call(environs[i % len(environs)])
            profile.disable()
            print(f"== {name} ({n} requests, {statements:.2f} statements each)")
            stats = pstats.Stats(profile).sort_stats(os.environ.get("BENCH_SORT", "tottime"))
            stats.print_stats(args.cprofile)
            if os.environ.get("BENCH_CALLERS"):
                stats.print_callers(os.environ["BENCH_CALLERS"])
            continue
        best = None
        for _ in range(args.repeat):
            started = time.process_time()
            for i in range(n):
                call(environs[i % len(environs)])
            per = (time.process_time() - started) / n * 1e6
            best = per if best is None else min(best, per)
        print(f"{name:24s} {best:8.0f} µs CPU/request  {statements:5.2f} statements/request")


if __name__ == "__main__":
    main()
