"""The benchmark, in one command:

    python bench/run.py --claims 10000 --database both --duration 10 --workers 2

For each database: generate a dataset of that many claims (bench/generate.py; reused when
bench/data holds a complete one of the same scale), start a bare Flask JSON endpoint
(bench/baseline_app.py) and the API (`claimtrack serve`) under the same gunicorn settings on
free loopback ports, drive each scenario from a separate process (wrk, else a Python client;
bench/load.py) and print requests/s, p50, p99, the ratio to the baseline's requests/s and the
server CPU per request, then append the table to bench/RESULTS.md.

PostgreSQL runs when --postgres-url (or BENCH_POSTGRES_URL) names a server: the dataset goes
into a database bench_<claims> created there (`--clean` drops it and deletes bench/data).

One job per module: bench/dataset_store.py (datasets), bench/servers.py (gunicorn servers and
their CPU), bench/scenarios.py (what is measured), bench/report.py (tables and RESULTS.md).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dataset_store import DATA, ROOT, clean, ensure_dataset  # noqa: E402
from report import RESULTS, load_average, code_version, machine, scale_comparison, table, write_results  # noqa: E402
from scenarios import combine, measure, scenarios  # noqa: E402
from servers import start_api, start_baseline  # noqa: E402


def run_database(kind: str, scales: list[int], args, postgres_base: str | None) -> list[dict]:
    """Every scale of one database: one API server per scale, scenarios run scale after scale
    (round after round), so that a scale comparison does not depend on when each ran."""
    manifests = {claims: ensure_dataset(kind, claims, postgres_base, args.regenerate) for claims in scales}
    tag = f"{kind}-{'-'.join(map(str, scales))}"
    code = code_version()  # what the servers load now (others may commit while this runs)
    baseline = start_baseline(args.workers, tag)
    apis = {}
    try:
        for claims in scales:
            apis[claims] = start_api(manifests[claims]["database_url"], args.workers, f"{kind}-{claims}")
        baseline.wait_ready()
        for api in apis.values():
            api.wait_ready()
        load_before = load_average()
        common = {"duration": args.duration, "connections": args.connections, "client": args.client}
        token = manifests[scales[0]]["token"]
        print(f"[{kind}] baseline GET /ok …", flush=True)
        base_first = measure(baseline, ["/ok"], token=token, **common)
        plans = {claims: scenarios(apis[claims], manifests[claims]) for claims in scales}
        rows = {claims: [] for claims in scales}
        for index, scenario in enumerate(plans[scales[0]]):
            runs = {claims: [] for claims in scales}
            for round_ in range(args.rounds):
                for claims in scales:
                    planned = plans[claims][index]
                    print(f"[{kind}] {claims:,} claims: {planned['name']}"
                          + (f" (round {round_ + 1}/{args.rounds})" if args.rounds > 1 else "") + " …", flush=True)
                    runs[claims].append(measure(
                        apis[claims], planned["paths"], token=manifests[claims]["token"],
                        method=planned.get("method", "GET"), body=planned.get("body"), postgres=kind == "postgres",
                        warm_up=round_ == 0, steady=planned.get("steady", False) and round_ == 0, **common))
            for claims in scales:
                rows[claims].append({**plans[claims][index], "result": combine(runs[claims])})
        print(f"[{kind}] baseline GET /ok again …", flush=True)
        base_last = measure(baseline, ["/ok"], token=token, **common)
    finally:
        for api in apis.values():
            api.stop()
        baseline.stop()
    baseline_rps = (base_first["rps"] + base_last["rps"]) / 2
    baseline_row = {"name": "baseline: bare Flask GET /ok (mean of before/after)", "result": {
        **base_first, "rps": baseline_rps, "p50_ms": (base_first["p50_ms"] + base_last["p50_ms"]) / 2,
        "p99_ms": (base_first["p99_ms"] + base_last["p99_ms"]) / 2,
        "cpu_ms_per_request": (base_first["cpu_ms_per_request"] + base_last["cpu_ms_per_request"]) / 2,
        "errors": base_first["errors"] + base_last["errors"]}}
    summaries = []
    for claims in scales:
        summary = {
            "database": kind, "claims": claims, "code": code,
            "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "baseline_rps_before_after": [round(base_first["rps"]), round(base_last["rps"])],
            "load_average_before": load_before, "load_average_after": load_average(),
            "counts": manifests[claims]["counts"], "generated_in_s": manifests[claims]["generated_in_s"],
            "rows": [{"name": r["name"], "scale_key": r.get("scale_key", r["name"]), "result": r["result"]}
                     for r in [baseline_row] + rows[claims]],
            "table": table([baseline_row] + rows[claims], baseline_rps),
            "settings": {"workers": args.workers, "connections": args.connections, "duration": args.duration,
                         "rounds": args.rounds, "cpu": args.cpu, "interleaved_with": [c for c in scales if c != claims]},
        }
        (DATA / f"results-{kind}-{claims}.json").write_text(json.dumps(summary, indent=1))
        summaries.append(summary)
    return summaries


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--claims", default="10000",
                        help="dataset scale, or several separated by commas, run one after the other for each "
                             "database so the comparison between scales is made under the same conditions "
                             "(default 10000)")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"),
                        help="default: both when a PostgreSQL URL is configured, else sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL"),
                        help="a PostgreSQL server where bench_<claims> may be created (env BENCH_POSTGRES_URL)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per scenario (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, API and baseline (default 2)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent client connections (default 4)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run each scenario this many times, alternating between the scales (default 1)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--cpu", type=int, action="append", metavar="N",
                        help="run the servers, the baseline and the load client on this CPU only (repeat for "
                             "several): every process started here inherits the affinity, so the ratios of one "
                             "run are made on the same core(s), away from other work on the machine")
    parser.add_argument("--regenerate", action="store_true", help="generate the dataset even if one exists")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument("--clean", action="store_true", help="drop the bench databases, delete bench/data, exit")
    args = parser.parse_args(argv)
    try:
        scales = [int(part.replace("_", "")) for part in str(args.claims).split(",") if part.strip()]
    except ValueError:
        parser.error("--claims takes integers separated by commas, e.g. 10000,1000000")

    if args.clean:
        clean(args.postgres_url)
        return
    if args.cpu:
        os.sched_setaffinity(0, set(args.cpu))  # inherited by gunicorn, its workers and wrk
    database = args.database or ("both" if args.postgres_url else "sqlite")
    kinds = ["sqlite", "postgres"] if database == "both" else [database]
    if "postgres" in kinds and not args.postgres_url:
        parser.error("PostgreSQL needs --postgres-url or BENCH_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432)")
    DATA.mkdir(parents=True, exist_ok=True)
    command = "python bench/run.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    info = machine(args.postgres_url if "postgres" in kinds else None)
    summaries = []
    for kind in kinds:
        for summary in run_database(kind, scales, args, args.postgres_url):
            summaries.append(summary)
            print(f"\n{kind}, {summary['claims']:,} claims (baseline {summary['baseline_rps_before_after']} "
                  "req/s before/after)\n")
            print(summary["table"] + "\n")
        comparison = scale_comparison([x for x in summaries if x["database"] == kind])
        if comparison:
            print(comparison)
    if not args.no_record:
        write_results(summaries, info, command)
        print(f"appended to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
