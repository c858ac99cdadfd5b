"""Worker memory with the caches of representations full of a benchmark dataset's working set:
RSS of each gunicorn worker idle, after reading every sampled claim, source's annotations and
claimant page of the dataset (bench/run.py's GET scenarios, each path `--reads` times), and after
the same reads once more (flat: what is cached is replaced by version, and bounded).

    python bench/cache_memory.py bench/data/sqlite-1000000.json [--workers 2] [--reads 3]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scenarios import warm_caches  # noqa: E402
from servers import start_api  # noqa: E402
from soak import rss_mib, workers_of  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reads", type=int, default=3)
    args = parser.parse_args(argv)
    manifest = json.loads(args.manifest.read_text())
    paths = ([f"/v1/claims/{c}" for c in manifest["sample_claims"]]
             + [f"/v1/sources/{s}/annotations" for s in manifest["sample_sources"]]
             + [f"/v1/claims?claimant={p}" for p in manifest["claimants"]] + ["/v1/claims?status=corroborated"])
    api = start_api(manifest["database_url"], args.workers, f"memory-{args.manifest.stem}")
    try:
        api.wait_ready()

        def rss() -> float:
            workers = workers_of(api.process.pid)
            return sum(rss_mib(pid) for pid in workers) / len(workers)

        rows = [("idle", rss())]
        for label in ("after reading the working set", "after reading it again"):
            warm_caches(api, paths, token=manifest["token"], connections=4, reads=args.reads)
            rows.append((label, rss()))
    finally:
        api.stop()
    print(f"{len(paths):,} paths × {args.reads} reads per pass, {manifest['claims']:,} claims\n")
    print("| worker RSS (mean of workers) | MiB | ratio to idle |\n|---|---:|---:|")
    for label, mib in rows:
        print(f"| {label} | {mib:.0f} | {mib / rows[0][1]:.2f} |")


if __name__ == "__main__":
    main()
