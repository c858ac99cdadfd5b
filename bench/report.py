"""Reporting a benchmark: the machine and code measured, the tables of one run, the comparison
between scales, and the record appended to bench/RESULTS.md."""
from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from pathlib import Path

import load
from dataset_store import BENCH, ROOT, postgres_admin

RESULTS = BENCH / "RESULTS.md"


def _version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def machine(postgres_base: str | None) -> dict:
    memory = next((l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")), "0")
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    info = {
        "cpus": f"{os.cpu_count()} × {cpu}",
        "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "gunicorn": _pkg_version("gunicorn"),
        "load client": " ".join(_version(["wrk", "--version"]).split()[:2]) if load.wrk_available() else "Python client (bench/load.py)",
    }
    if postgres_base:
        try:
            with postgres_admin(postgres_base) as admin:
                info["postgresql"] = admin.execute("SHOW server_version").fetchone()[0]
        except Exception as error:  # noqa: BLE001 - only informative
            info["postgresql"] = f"unreachable ({error.__class__.__name__})"
    return info


def code_version() -> str:
    """The commit measured, and the application files that differ from it (others edit too)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "api", "schemas"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.split("\n")
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    changed = sorted(line[3:] for line in dirty if line.strip())
    return f"{head or '?'}" + (f" + uncommitted changes to {', '.join(changed)}" if changed else "")


def _pkg_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def table(rows: list[dict], baseline_rps: float) -> str:
    lines = ["| scenario | req/s | p50 ms | p99 ms | req/s ÷ baseline | app CPU ms/req | PostgreSQL CPU ms/req | errors |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        r = row["result"]
        db_cpu = r.get("db_cpu_ms_per_request")
        lines.append(f"| {row['name']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
                     f"{r['rps'] / baseline_rps:.1%} | {r['cpu_ms_per_request']:.2f} | "
                     f"{'–' if db_cpu is None else f'{db_cpu:.2f}'} | {r['errors']} |")
    return "\n".join(lines)


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def scale_comparison(summaries: list[dict]) -> str | None:
    """The largest scale against the smallest, for each database, from one invocation (whose
    scales were interleaved scenario by scenario, so the machine's load was the same)."""
    lines = []
    for kind in dict.fromkeys(s["database"] for s in summaries):
        runs = sorted((s for s in summaries if s["database"] == kind), key=lambda s: s["claims"])
        if len(runs) < 2:
            continue
        small, big = runs[0], runs[-1]
        lines += [f"{big['claims']:,} vs {small['claims']:,} claims ({kind}, interleaved in one run):", "",
                  "| scenario | p50 ratio | CPU/req ratio (app + PostgreSQL) | (req/s ÷ baseline) ratio |",
                  "|---|---:|---:|---:|"]
        small_rows = {r["scale_key"]: r["result"] for r in small["rows"]}
        small_base = small["rows"][0]["result"]["rps"]
        big_base = big["rows"][0]["result"]["rps"]
        for row in big["rows"][1:]:
            s = small_rows.get(row["scale_key"])
            if s is None:
                continue
            b = row["result"]
            lines.append(f"| {row['name']} | {b['p50_ms'] / s['p50_ms']:.2f}× | "
                         f"{_total_cpu(b) / _total_cpu(s):.2f}× | "
                         f"{(b['rps'] / big_base) / (s['rps'] / small_base):.2f}× |")
        lines.append("")
    return "\n".join(lines) or None


def _total_cpu(result: dict) -> float:
    return result["cpu_ms_per_request"] + (result.get("db_cpu_ms_per_request") or 0)


def write_results(summaries: list[dict], info: dict, command: str) -> None:
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by `python bench/run.py` (see bench/README.md).\n")
    scales = ", ".join(f"{c:,}" for c in dict.fromkeys(s["claims"] for s in summaries))
    parts = [f"\n## {summaries[0]['at'][:16].replace('T', ' ')} UTC — {scales} claims\n",
             f"Command: `{command}`  ",
             f"Code: {summaries[0]['code']}  ",
             "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()) + "  ",
             f"Settings: {summaries[0]['settings']['workers']} gunicorn sync workers, "
             f"{summaries[0]['settings']['connections']} connections, {summaries[0]['settings']['duration']} s per "
             f"scenario × {summaries[0]['settings'].get('rounds', 1)} round(s) after a 1 s warm-up"
             + (", scales alternating scenario by scenario" if len({x['claims'] for x in summaries}) > 1 else "")
             + (f"; servers, baseline and wrk pinned to CPU {', '.join(map(str, summaries[0]['settings']['cpu']))}"
                if summaries[0]['settings'].get('cpu') else "")
             + "; rate limiter on with a limit never reached.\n"]
    for summary in summaries:
        parts += [f"### {summary['database']}, {summary['claims']:,} claims\n",
                  f"Dataset: {_counts(summary['counts'])} (generated in {summary['generated_in_s']} s). "
                  f"Baseline req/s before/after: {summary['baseline_rps_before_after'][0]}/"
                  f"{summary['baseline_rps_before_after'][1]}; load average before/after: "
                  f"{summary['load_average_before']} / {summary['load_average_after']}.\n",
                  summary["table"], ""]
        if summary is [x for x in summaries if x["database"] == summary["database"]][-1]:
            comparison = scale_comparison([x for x in summaries if x["database"] == summary["database"]])
            if comparison:
                parts += [comparison]
    with RESULTS.open("a") as handle:
        handle.write("\n".join(parts) + "\n")


def _counts(counts: dict) -> str:
    names = [("claim", "claims"), ("appearance", "appearances"), ("verdict", "verdicts"), ("evidence", "evidence"),
             ("source", "sources"), ("person", "people"), ("event", "events"), ("mention", "mentions"), ("tag", "tags")]
    return ", ".join(f"{counts.get(key, 0):,} {label}" for key, label in names)
