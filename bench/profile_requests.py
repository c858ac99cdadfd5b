"""Where a request's time goes: sample the gunicorn workers with py-spy while wrk drives a scenario.

    python bench/profile_requests.py --claims 10000 --database sqlite --scenario "GET a claim"
    python bench/profile_requests.py --claims 10000 --database postgres --scenario all --seconds 8

Needs py-spy (`pip install py-spy`) and ptrace rights over the workers (root, or
kernel.yama.ptrace_scope=0). Samples are wall-clock (py-spy --idle) restricted to stacks that
are handling a request, so time spent waiting for the database counts; each sample is put in
one *phase* (where in the request: connect, auth, view, serialisation, …) and one *kind* of
work (what it was doing: building SQL, waiting for the driver, marshmallow, …). The
ms/request columns spread the measured wall time per request over those shares. With
--cprofile, a deterministic in-process profile (Flask test client, no gunicorn) of the same
paths is printed instead.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import load  # noqa: E402
import dataset_store  # noqa: E402
import scenarios  # noqa: E402
import servers  # noqa: E402

# (phase, test on one frame "function (file:line)") — the first phase with a matching frame wins.
PHASES = [
    ("open DB connection", lambda f: "_connect (api/app.py" in f),
    ("close DB connection", lambda f: "_close (api/app.py" in f),
    ("authenticate (key lookup, rate limit)", lambda f: "authenticate (api/auth.py" in f),
    ("idempotency hooks", lambda f: "idempotent_request (api/idempotency.py" in f),
    ("input checks", lambda f: "_check_input (api/app.py" in f),
    ("security headers", lambda f: "security_headers (api/web.py" in f),
    ("serialise (marshmallow dump)", lambda f: "_prepare_response_content" in f or "Schema.dump (marshmallow" in f),
    ("parse query/body (webargs)", lambda f: "Parser.parse (webargs" in f or "Parser._parse_arg" in f),
    ("view / service (queries)", lambda f: "(api/services/" in f or "(api/views/" in f),
    ("Flask / werkzeug request handling", lambda f: "Flask.__call__ (flask/app.py" in f),
    ("gunicorn: parse request, write response, access log, close", lambda f: "SyncWorker.handle (gunicorn" in f),
]

# What kind of work a sample is doing. First the markers that may sit anywhere in the stack
# (checked in order: time under peewee's connect is connecting, whatever the leaf is), then
# the library of the innermost frame.
MARKERS = [
    ("pool: liveness check on checkout (PostgreSQL: a SELECT 1 round trip)",
     lambda f: f.startswith("_BasePsycopgAdapter.is_connection_closed (peewee")),
    ("driver: connect (PostgreSQL: new backend, auth, session set-up)",
     lambda f: f.startswith(("PostgresqlDatabase._connect (peewee", "Psycopg3Database._connect (peewee"))),
    ("SQLite: PRAGMAs run on each new connection", lambda f: f.startswith("SqliteDatabase._set_pragmas (peewee")),
    ("driver: open / close connection", lambda f: f.startswith(("SqliteDatabase._connect (peewee",
                                                                  "Database._close (peewee", "Database.close (peewee"))),
    ("driver: execute SQL, wait for the database", lambda f: f.startswith(("Database.execute_sql (peewee",
                                                                             "Database._execute_cursor (peewee"))),
    ("peewee: build SQL text", lambda f: "__sql__ (peewee" in f or f.startswith(("Context.sql (peewee",
                                                                                   "Context.query (peewee"))),
    ("peewee: rows → model objects", lambda f: "CursorWrapper" in f and "(peewee" in f),
]
LEAF_KINDS = [
    ("marshmallow", ("marshmallow/",)),
    ("webargs", ("webargs/",)),
    ("sqids (public ids)", ("sqids/",)),
    ("JSON encoding", ("json/",)),
    ("flask-smorest", ("flask_smorest/",)),
    ("peewee: other (query objects, model init)", ("peewee.py",)),
    ("Flask / werkzeug", ("flask/", "werkzeug/", "blinker/")),
    ("gunicorn: HTTP parsing, socket I/O, access log", ("gunicorn/", "socket.py", "selectors.py", "logging/")),
    ("app code (api/, schemas/)", ("api/", "schemas/")),
]


def _leaf_kind(frame: str) -> str:
    where = frame.rpartition("(")[2]
    return next((name for name, prefixes in LEAF_KINDS if where.startswith(prefixes)), "other (stdlib, …)")


def classify(frames: list[str]) -> tuple[str, str]:
    phase = next((name for name, test in PHASES if any(test(frame) for frame in frames)), "other")
    kind = next((name for name, test in MARKERS if any(test(frame) for frame in frames)), None) \
        or _leaf_kind(frames[-1])
    return phase, kind


LEAVES: dict[str, Counter] = {}


def read_samples(raw: Path) -> tuple[Counter, Counter, int]:
    phases, kinds, total = Counter(), Counter(), 0
    LEAVES.clear()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not any(f.startswith(("SyncWorker.handle (gunicorn", "GeventWorker.handle (gunicorn")) for f in frames):
            continue  # idle: waiting for a connection
        phase, kind = classify(frames)
        LEAVES.setdefault(kind, Counter())[frames[-1]] += int(count)
        phases[phase] += int(count)
        kinds[kind] += int(count)
        total += int(count)
    return phases, kinds, total


def report(title: str, counts: Counter, total: int, ms_per_request: float) -> str:
    lines = [f"| {title} | share | ms/request |", "|---|---:|---:|"]
    for name, count in counts.most_common():
        share = count / total
        lines.append(f"| {name} | {share:.1%} | {share * ms_per_request:.2f} |")
    return "\n".join(lines)


def profile_scenario(api: servers.Server, scenario: dict, token: str, seconds: float, connections: int,
                     workers: int) -> str:
    raw = Path(tempfile.mkstemp(suffix=".txt")[1])
    # warm up (and each worker's representations), then sample every worker while wrk runs a
    # little longer than py-spy records
    if scenario.get("method", "GET") == "GET":
        scenarios.warm_caches(api, scenario["paths"], token=token, connections=connections)
    load.run(api.base_url, scenario["paths"], method=scenario.get("method", "GET"), body=scenario.get("body"),
             token=token, duration=1, connections=connections)
    result = {}

    def drive():
        result.update(load.run(api.base_url, scenario["paths"], method=scenario.get("method", "GET"),
                               body=scenario.get("body"), token=token, duration=seconds + 2,
                               connections=connections).as_dict())

    driver = threading.Thread(target=drive)
    driver.start()
    time.sleep(1)
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
    subprocess.run([spy, "record", "--pid", str(api.process.pid), "--subprocesses", "--idle", "--rate", "250",
                    "--duration", str(int(seconds)), "--format", "raw", "--output", str(raw), "--nonblocking"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    driver.join()
    phases, kinds, total = read_samples(raw)
    if os.environ.get("BENCH_PROFILE_RAW"):
        shutil.copy(raw, os.environ["BENCH_PROFILE_RAW"])
    raw.unlink()
    if not total:
        return f"{scenario['name']}: no samples"
    # wall time a worker spends per request = workers busy / throughput
    busy_workers = min(connections, workers)
    wall_ms = busy_workers * 1000 / result["rps"]
    leaves = "\n".join(f"    {kind}: " + "; ".join(f"{frame} {count / total:.1%}" for frame, count in LEAVES[kind].most_common(4))
                       for kind, _ in kinds.most_common(6)) if os.environ.get("BENCH_PROFILE_LEAVES") else ""
    return "\n".join([
        f"#### {scenario['name']}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
        f"≈ {wall_ms:.1f} ms of worker wall time per request ({total} samples)",
        "", report("phase", phases, total, wall_ms), "", report("kind of work", kinds, total, wall_ms), "", leaves])


def cprofile_paths(manifest: dict, paths: list[str], method: str, body: str | None, n: int = 300) -> str:
    from api.app import create_app
    from api.config import Config
    app = create_app(Config(database_url=manifest["database_url"], rate_limit_per_minute=10 ** 9))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {manifest['token']}"}
    kwargs = {"data": body, "content_type": "application/json"} if body else {}
    for path in paths[:20]:
        client.open(path, method=method, headers=headers, **kwargs)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(n):
        response = client.open(paths[i % len(paths)], method=method, headers=headers, **kwargs)
        assert response.status_code < 300, response.get_data(as_text=True)
    profiler.disable()
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(20)
    if os.environ.get("BENCH_CALLERS"):
        stats.print_callers(os.environ["BENCH_CALLERS"])
    return f"{n} requests, {elapsed / n * 1000:.2f} ms each under cProfile\n" + out.getvalue()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=10000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("--scenario", default="GET a claim", help="a scenario name from bench/scenarios.py, or 'all'")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--cprofile", action="store_true", help="in-process cProfile instead of py-spy")
    args = parser.parse_args(argv)
    if args.database == "postgres" and not args.postgres_url:
        parser.error("PostgreSQL needs --postgres-url or BENCH_POSTGRES_URL")

    manifest = dataset_store.ensure_dataset(args.database, args.claims, args.postgres_url, regenerate=False)
    baseline, api = servers.start_servers(manifest["database_url"], args.workers, f"profile-{args.database}-{args.claims}")
    try:
        chosen = [s for s in scenarios.scenarios(api, manifest) if args.scenario in ("all", s["name"])
                  or s["name"].startswith(args.scenario)]
        if not chosen:
            parser.error(f"no scenario {args.scenario!r}")
        if args.cprofile:
            baseline.stop()
            api.stop()
        for scenario in chosen:
            if args.cprofile:
                print(f"#### {scenario['name']} (cProfile, in process)\n")
                print(cprofile_paths(manifest, scenario["paths"], scenario.get("method", "GET"), scenario.get("body")))
            else:
                print(profile_scenario(api, scenario, manifest["token"], args.seconds, args.connections, args.workers))
    finally:
        api.stop()
        baseline.stop()


if __name__ == "__main__":
    main()
