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
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import shlex
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
RESULTS = BENCH / "RESULTS.md"
sys.path.insert(0, str(BENCH))

import load  # noqa: E402

# The limiter stays on (its cost is part of every request) but never refuses: a benchmark
# key makes thousands of requests a second.
RATE_LIMIT = "1000000000"
DEEP_PAGES = 50
VERDICT_BODY = '{"rating": "unverifiable"}'


# ----------------------------------------------------------------------------- datasets

def _postgres_url(base: str, database: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def _manifest_path(kind: str, claims: int) -> Path:
    return DATA / f"{kind}-{claims}.json"


def _load_manifest(path: Path) -> dict | None:
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("complete") else None


def _postgres_admin(base_url: str):
    import psycopg
    return psycopg.connect(_postgres_url(base_url, "postgres"), autocommit=True)


def _postgres_claims(url: str) -> int | None:
    import psycopg
    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM claim").fetchone()[0]
    except psycopg.Error:
        return None


def ensure_dataset(kind: str, claims: int, postgres_base: str | None, regenerate: bool) -> dict:
    manifest_path = _manifest_path(kind, claims)
    if kind == "sqlite":
        db_file = DATA / f"sqlite-{claims}.db"
        url = f"sqlite:///{db_file}"
        manifest = None if regenerate else _load_manifest(manifest_path)
        if manifest is not None and db_file.exists():
            print(f"[{kind}] reusing {db_file.relative_to(ROOT)} ({claims:,} claims, made in {manifest['generated_in_s']} s)")
            return manifest
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    else:
        name = f"bench_{claims}"
        url = _postgres_url(postgres_base, name)
        manifest = None if regenerate else _load_manifest(manifest_path)
        if manifest is not None and _postgres_claims(url) == claims:
            print(f"[{kind}] reusing database {name} ({claims:,} claims, made in {manifest['generated_in_s']} s)")
            return manifest
        with _postgres_admin(postgres_base) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    manifest_path.unlink(missing_ok=True)
    print(f"[{kind}] generating {claims:,} claims into {url}")
    started = time.monotonic()
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--claims", str(claims), "--database-url", url,
                    "--manifest", str(manifest_path)], check=True, cwd=ROOT)
    print(f"[{kind}] generated in {time.monotonic() - started:.0f} s")
    return _load_manifest(manifest_path)


def clean(postgres_base: str | None) -> None:
    for manifest_path in sorted(DATA.glob("postgres-*.json")):
        claims = manifest_path.stem.split("-", 1)[1]
        if postgres_base:
            with _postgres_admin(postgres_base) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS bench_{int(claims)} WITH (FORCE)")
                print(f"dropped bench_{claims}")
    if DATA.exists():
        shutil.rmtree(DATA)
        print(f"removed {DATA.relative_to(ROOT)}")


# ----------------------------------------------------------------------------- servers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A gunicorn master started in its own process group, stopped by its pid."""

    def __init__(self, name: str, command: list[str], env: dict, port: int, ready_path: str, log: Path):
        self.name, self.port, self.ready_path = name, port, ready_path
        self.log = log.open("w")
        self.process = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=self.log, start_new_session=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: see {self.log.name}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", self.ready_path)
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {self.ready_path} within {timeout} s")

    def cpu_seconds(self) -> float:
        """utime + stime of the master and its workers so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in [self.process.pid] + _children(self.process.pid):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / ticks

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn: graceful shutdown of the master and its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def postgres_cpu_seconds() -> float | None:
    """CPU of the local PostgreSQL server: the postmaster with its reaped children (backends
    that have exited) plus the live ones. None when no local server is visible."""
    masters = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                comm = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if comm == "postgres":
                stat = _stat(int(entry.name))
                if stat is not None:
                    parent = Path(f"/proc/{stat[1]}/comm")
                    if not parent.exists() or parent.read_text().strip() != "postgres":
                        masters.append(int(entry.name))
    if not masters:
        return None
    total = 0
    for master in masters:
        stat = _stat(master)
        if stat is None:
            continue
        total += sum(int(v) for v in stat[11:15])  # utime, stime, cutime, cstime
        for child in _children(master):
            child_stat = _stat(child)
            if child_stat is not None:
                total += int(child_stat[11]) + int(child_stat[12])
    return total / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _env(workers: int) -> dict:
    return {"CLAIMTRACK_WORKERS": str(workers), "CLAIMTRACK_RATE_LIMIT_PER_MINUTE": RATE_LIMIT}


def start_baseline(workers: int, tag: str) -> Server:
    DATA.mkdir(parents=True, exist_ok=True)
    port = free_port()
    return Server("baseline", [sys.executable, str(BENCH / "baseline_app.py"), "--bind", f"127.0.0.1:{port}",
                               "--workers", str(workers)], _env(workers), port, "/ok", DATA / f"baseline-{tag}.log")


def start_api(database_url: str, workers: int, tag: str) -> Server:
    DATA.mkdir(parents=True, exist_ok=True)
    port = free_port()
    claimtrack = shutil.which("claimtrack", path=str(Path(sys.executable).parent)) or "claimtrack"
    return Server("api", [claimtrack, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
                  {**_env(workers), "DATABASE_URL": database_url}, port, "/readyz", DATA / f"api-{tag}.log")


def start_servers(database_url: str, workers: int, tag: str) -> tuple[Server, Server]:
    baseline, api = start_baseline(workers, tag), start_api(database_url, workers, tag)
    baseline.wait_ready()
    api.wait_ready()
    return baseline, api


# ----------------------------------------------------------------------------- scenarios

def _get_json(base_url: str, path: str, token: str) -> dict:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path} → {response.status}: {body[:300]!r}")
    return json.loads(body)


def deep_cursor_path(base_url: str, token: str, query: dict) -> tuple[str, int]:
    """Follow next_cursor up to DEEP_PAGES pages; the path of the deepest full page and its depth."""
    path = f"/v1/claims?{urlencode(query)}"
    deepest, depth = path, 0
    for page in range(1, DEEP_PAGES + 1):
        data = _get_json(base_url, path, token)
        if not data["next_cursor"]:
            break
        deepest, depth = path, page
        path = f"/v1/claims?{urlencode({**query, 'cursor': data['next_cursor']})}"
    return deepest, depth


def scenarios(api: Server, manifest: dict) -> list[dict]:
    token = manifest["token"]
    deep, depth = deep_cursor_path(api.base_url, token, {"status": "corroborated"})
    return [
        {"name": "GET a claim", "paths": [f"/v1/claims/{c}" for c in manifest["sample_claims"]]},
        {"name": "list status=corroborated, page 1", "paths": ["/v1/claims?status=corroborated"]},
        {"name": f"list status=corroborated, page {depth + 1}", "paths": [deep], "scale_key": "list status, deep page"},
        {"name": "GET a source's annotations", "paths": [f"/v1/sources/{s}/annotations" for s in manifest["sample_sources"]]},
        {"name": "list claims by claimant", "paths": [f"/v1/claims?claimant={p}" for p in manifest["claimants"]]},
        {"name": "POST a verdict", "method": "POST", "body": VERDICT_BODY,
         "paths": [f"/v1/claims/{c}/verdicts" for c in manifest["unverifiable_claims"]]},
    ]


def measure(server: Server, paths: list[str], *, token: str | None, duration: float, connections: int,
            method: str = "GET", body: str | None = None, client: str = "auto", postgres: bool = False,
            warm_up: bool = True) -> dict:
    if warm_up and duration >= 2:  # warm-up: imports, caches, connections
        load.run(server.base_url, paths, method=method, body=body, token=token, duration=1,
                 connections=connections, client=client)
    cpu_before = server.cpu_seconds()
    db_before = postgres_cpu_seconds() if postgres else None
    result = load.run(server.base_url, paths, method=method, body=body, token=token, duration=duration,
                      connections=connections, client=client).as_dict()
    cpu = server.cpu_seconds() - cpu_before
    requests = result["requests"] or float("nan")
    result["cpu_ms_per_request"] = cpu * 1000 / requests
    db_after = postgres_cpu_seconds() if postgres else None
    # (a server restarted meanwhile loses its counters: then there is no figure)
    result["db_cpu_ms_per_request"] = (db_after - db_before) * 1000 / requests \
        if db_before is not None and db_after is not None and db_after >= db_before else None
    return result


# ----------------------------------------------------------------------------- reporting

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
            with _postgres_admin(postgres_base) as admin:
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


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def combine(results: list[dict]) -> dict:
    """Several rounds of one scenario: rates and CPU over all requests, latencies the median round's."""
    if len(results) == 1:
        return results[0]
    requests = sum(r["requests"] for r in results)
    seconds = sum(r["seconds"] for r in results)
    db = [r.get("db_cpu_ms_per_request") for r in results]
    return {
        "requests": requests, "seconds": round(seconds, 2), "rps": requests / seconds if seconds else 0.0,
        "p50_ms": statistics.median(r["p50_ms"] for r in results),
        "p99_ms": statistics.median(r["p99_ms"] for r in results),
        "errors": sum(r["errors"] for r in results), "client": results[0]["client"],
        "cpu_ms_per_request": sum(r["cpu_ms_per_request"] * r["requests"] for r in results) / (requests or float("nan")),
        "db_cpu_ms_per_request": None if None in db else
        sum(d * r["requests"] for d, r in zip(db, results)) / (requests or float("nan")),
        "rounds_rps": [round(r["rps"]) for r in results],
    }


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
        load_before = _loadavg()
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
                        warm_up=round_ == 0, **common))
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
            "load_average_before": load_before, "load_average_after": _loadavg(),
            "counts": manifests[claims]["counts"], "generated_in_s": manifests[claims]["generated_in_s"],
            "rows": [{"name": r["name"], "scale_key": r.get("scale_key", r["name"]), "result": r["result"]}
                     for r in [baseline_row] + rows[claims]],
            "table": table([baseline_row] + rows[claims], baseline_rps),
            "settings": {"workers": args.workers, "connections": args.connections, "duration": args.duration,
                         "rounds": args.rounds, "interleaved_with": [c for c in scales if c != claims]},
        }
        (DATA / f"results-{kind}-{claims}.json").write_text(json.dumps(summary, indent=1))
        summaries.append(summary)
    return summaries


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
