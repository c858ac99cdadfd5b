"""Two checkouts of the API side by side on one dataset, their scenarios measured in turns with the
baseline, so that both sides' ratios are made under the same load (on a shared machine the load
moves ratios of runs minutes apart by ±15 points: bench/RESULTS.md, issue #17).

    python bench/compare.py bench/data/sqlite-10000.json --before /tmp/old-checkout --rounds 3 --cpu 0
    python bench/compare.py bench/data/postgres-10000.json --before /tmp/old --after /tmp/new --only "GET a claim"

The manifest is one that bench/run.py wrote (the dataset must exist). Each side's API runs as
`claimtrack serve` with PYTHONPATH set to its checkout (default `--after`: this one). Each round
measures, for every scenario, the baseline, one side and the other (the order alternating from
round to round), `--duration` seconds each after the usual cache warm-up; the table sums the
rounds: requests/s as a share of the baseline's requests/s over the same rounds, and app CPU per
request (+ the PostgreSQL server's, when the dataset is on a local server).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import scenarios  # noqa: E402
import servers  # noqa: E402


def _api(checkout: Path, database_url: str, workers: int, tag: str) -> servers.Server:
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(checkout)  # what `claimtrack serve` imports `api` from
    try:
        return servers.start_api(database_url, workers, tag)
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH")
        else:
            os.environ["PYTHONPATH"] = previous


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--before", type=Path, required=True, help="the checkout measured first")
    parser.add_argument("--after", type=Path, default=BENCH.parent, help="the other checkout (default: this one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--only", action="append", help="a scenario whose name starts with this (repeatable)")
    parser.add_argument("--cpu", type=int, action="append", metavar="N", help="as bench/run.py --cpu")
    args = parser.parse_args(argv)
    if args.cpu:
        os.sched_setaffinity(0, set(args.cpu))
    manifest = json.loads(args.manifest.read_text())
    postgres = manifest["database_url"].startswith("postgres")
    baseline = servers.start_baseline(args.workers, "compare")
    sides = {"before": _api(args.before.resolve(), manifest["database_url"], args.workers, "compare-before"),
             "after": _api(args.after.resolve(), manifest["database_url"], args.workers, "compare-after")}
    totals: dict[tuple[str, str], list[float]] = {}
    try:
        for server in (baseline, *sides.values()):
            server.wait_ready()
        chosen = [s for s in scenarios.scenarios(sides["after"], manifest)
                  if not args.only or any(s["name"].startswith(name) for name in args.only)]
        for round_ in range(args.rounds):
            order = ["before", "after"] if round_ % 2 == 0 else ["after", "before"]
            for scenario in chosen:
                method = scenario.get("method", "GET")
                for side in ["baseline", *order]:
                    server = baseline if side == "baseline" else sides[side]
                    paths = ["/ok"] if side == "baseline" else scenario["paths"]
                    result = scenarios.measure(server, paths, token=None if side == "baseline" else manifest["token"],
                                               duration=args.duration, connections=args.connections,
                                               method="GET" if side == "baseline" else method,
                                               body=None if side == "baseline" else scenario.get("body"),
                                               postgres=postgres and side != "baseline",
                                               steady=scenario.get("steady", False) and side != "baseline")
                    total = totals.setdefault((scenario["name"], side), [0, 0, 0, 0])
                    total[0] += result["requests"]
                    total[1] += result["seconds"]
                    total[2] += result["cpu_ms_per_request"] * result["requests"]
                    total[3] += (result["db_cpu_ms_per_request"] or 0) * result["requests"]
                    print(f"round {round_ + 1} {scenario['name']:40s} {side:8s} {result['rps']:7.0f} req/s",
                          file=sys.stderr, flush=True)
    finally:
        for server in (baseline, *sides.values()):
            server.stop()

    print(f"\n{args.manifest.name}: {args.rounds} rounds of {args.duration:g} s, before = {args.before}, "
          f"after = {args.after}\n")
    print("| scenario | before: share of baseline | after: share of baseline | before: CPU ms/req | after: CPU ms/req |")
    print("|---|---:|---:|---:|---:|")
    for scenario in chosen:
        name = scenario["name"]
        base = totals[(name, "baseline")]
        base_rps = base[0] / base[1]
        cells = []
        for side in ("before", "after"):
            requests, seconds, cpu, db = totals[(name, side)]
            cells.append(f"{requests / seconds / base_rps:.1%}")
        for side in ("before", "after"):
            requests, seconds, cpu, db = totals[(name, side)]
            cells.append(f"{cpu / requests:.2f}" + (f" + {db / requests:.2f}" if postgres else ""))
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
