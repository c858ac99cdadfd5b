"""The servers a benchmark drives: the API (`claimtrack serve`) and the bare Flask baseline
(bench/baseline_app.py) under the same gunicorn settings on free loopback ports, and the CPU
time they (and a local PostgreSQL) spend."""
from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from dataset_store import BENCH, DATA, ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from tests.support import child_pids, free_port  # noqa: E402  (the live tests' process helpers)

# The limiter stays on (its cost is part of every request) but never refuses: a benchmark
# key makes thousands of requests a second.
RATE_LIMIT = "1000000000"


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
        """utime + stime so far of the process started and all its descendants (`claimtrack serve`
        supervises its job consumer and the gunicorn master, whose children are the workers)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in [self.process.pid] + descendant_pids(self.process.pid):
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
        for child in child_pids(master):
            child_stat = _stat(child)
            if child_stat is not None:
                total += int(child_stat[11]) + int(child_stat[12])
    return total / os.sysconf("SC_CLK_TCK")


def descendant_pids(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        children = child_pids(todo.pop())
        found += children
        todo += children
    return found


def _env(workers: int) -> dict:
    # The job consumer's once-a-minute matching sweep would embed the whole dataset while it is
    # measured (hours at 1 M): the bench embeds what the matching scenario needs beforehand
    # (bench/extras.py).
    return {"CLAIMTRACK_WORKERS": str(workers), "CLAIMTRACK_RATE_LIMIT_PER_MINUTE": RATE_LIMIT,
            "CLAIMTRACK_MATCHING_SWEEP": "0"}


def start_baseline(workers: int, tag: str) -> Server:
    DATA.mkdir(parents=True, exist_ok=True)
    port = free_port()
    return Server("baseline", [sys.executable, str(BENCH / "baseline_app.py"), "--bind", f"127.0.0.1:{port}",
                               "--workers", str(workers)], _env(workers), port, "/ok", DATA / f"baseline-{tag}.log")


def start_api(database_url: str, workers: int, tag: str) -> Server:
    DATA.mkdir(parents=True, exist_ok=True)
    port = free_port()
    claimtrack = shutil.which("claimtrack", path=str(Path(sys.executable).parent)) or "claimtrack"
    # --no-worker: the job consumer `serve` runs beside gunicorn with the embedded queue polls its
    # store several times a second; it serves no request, so it is left out of what is measured
    # (bench/jobs_throughput.py measures the queue).
    return Server("api", [claimtrack, "serve", "--no-worker", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
                  {**_env(workers), "DATABASE_URL": database_url}, port, "/readyz", DATA / f"api-{tag}.log")


def start_servers(database_url: str, workers: int, tag: str) -> tuple[Server, Server]:
    baseline, api = start_baseline(workers, tag), start_api(database_url, workers, tag)
    baseline.wait_ready()
    api.wait_ready()
    return baseline, api
