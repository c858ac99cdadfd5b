"""Worker memory: RSS at idle, after extraction, and across a soak of many thousand requests.

    python bench/soak.py --requests 6000 [--workers 2] [--record]

Runs `claimtrack serve` (model preloaded in the master, as in production) on a fresh SQLite
database holding the sample documents, and reads each worker's RSS from /proc. Growth is
reported as the ratio of RSS after the soak to RSS after its first tenth (1.00 = flat), so
the figure does not depend on this machine's absolute numbers.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CLAIMTRACK = str(Path(sys.executable).with_name("claimtrack"))


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children_of(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def workers_of(serve: int) -> list[int]:
    """The gunicorn workers: `claimtrack serve` supervises a job consumer and `serve --no-worker`
    (the gunicorn master), whose children are the workers; `serve --no-worker` is the master."""
    if b"--no-worker" in Path(f"/proc/{serve}/cmdline").read_bytes():
        return children_of(serve)
    for child in children_of(serve):
        if b"--no-worker" in Path(f"/proc/{child}/cmdline").read_bytes():
            return children_of(child)
    return children_of(serve)


def call(base: str, key: str, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> int:
    request = urllib.request.Request(f"{base}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json",
                                              **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        return response.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--record", action="store_true", help="append the result to bench/RESULTS.md")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="claimtrack-soak-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'soak.db'}", "CLAIMTRACK_WORKERS": str(args.workers),
           "CLAIMTRACK_BIND": "127.0.0.1:0", "CLAIMTRACK_RATE_LIMIT_PER_MINUTE": "0", "CLAIMTRACK_LOG_LEVEL": "warning"}
    subprocess.run([CLAIMTRACK, "init-db"], env=env, check=True, capture_output=True)
    samples = sorted(str(p) for p in (ROOT / "data" / "samples").glob("*.txt"))
    subprocess.run([CLAIMTRACK, "ingest", *samples], env=env, check=True, capture_output=True)
    key = subprocess.run([CLAIMTRACK, "keys", "create", "--name", "soak", "--role", "checker"], env=env,
                         check=True, capture_output=True, text=True).stdout.strip()

    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env["CLAIMTRACK_BIND"] = f"127.0.0.1:{port}"
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([CLAIMTRACK, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300  # a loaded machine starts gunicorn and its workers slowly
        workers = []
        while len(workers) < args.workers:
            try:
                urllib.request.urlopen(f"{base}/readyz", timeout=2).close()
                workers = workers_of(server.pid)
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"serve did not answer with {args.workers} workers within 300 s")
            time.sleep(0.2)

        def total() -> float:
            return sum(rss_mib(pid) for pid in workers) / len(workers)

        idle = total()
        sources = json.loads(urllib.request.urlopen(urllib.request.Request(
            f"{base}/v1/sources", headers={"Authorization": f"Bearer {key}"})).read())["data"]
        for _ in range(args.workers * 2):  # reach every worker
            for source in sources:
                # a job: wait for it (RFC 7240), so that the claims exist before the soak reads them
                call(base, key, "POST", f"/v1/sources/{source['id']}/extraction", headers={"Prefer": "wait=60"})
        after_extraction = total()
        claims = json.loads(urllib.request.urlopen(urllib.request.Request(
            f"{base}/v1/claims?limit=50", headers={"Authorization": f"Bearer {key}"})).read())["data"]

        def one(n: int) -> int:
            claim = claims[n % len(claims)]["id"]
            if n % 7 == 0:  # a source's annotations (cached per worker like claims and list items)
                return call(base, key, "GET", f"/v1/sources/{sources[n % len(sources)]['id']}/annotations")
            if n % 10 == 0:
                return call(base, key, "POST", f"/v1/claims/{claim}/verdicts", {"rating": "unverifiable"})
            if n % 3 == 0:
                return call(base, key, "GET", "/v1/claims?limit=50")
            return call(base, key, "GET", f"/v1/claims/{claim}")

        tenth = max(1, args.requests // 10)
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(one, range(tenth)))
            early = total()
            statuses += list(pool.map(one, range(tenth, args.requests)))
        late = total()
    finally:
        server.terminate()
        server.wait(timeout=20)

    errors = sum(1 for s in statuses if s >= 400)
    lines = [
        f"Command: `python bench/soak.py --requests {args.requests} --workers {args.workers}`; "
        f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        "| worker RSS (mean of workers) | MiB | ratio to idle |",
        "|---|---:|---:|",
        f"| idle, model preloaded in the master | {idle:.0f} | 1.00 |",
        f"| after extraction in every worker | {after_extraction:.0f} | {after_extraction / idle:.2f} |",
        f"| after {tenth} soak requests | {early:.0f} | {early / idle:.2f} |",
        f"| after {args.requests} soak requests | {late:.0f} | {late / idle:.2f} |",
        "",
        f"Growth over the soak (last ÷ first tenth): **{late / early:.3f}**; errors: {errors}.",
    ]
    print("\n".join(lines))
    if args.record:
        with (BENCH / "RESULTS.md").open("a", encoding="utf-8") as results:
            results.write("\n## Memory soak\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
