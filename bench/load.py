"""Drive load at a server from separate processes and measure requests/s, p50 and p99.

Uses wrk (Debian: `apt-get install wrk`) with bench/wrk_scenario.lua when it is on PATH, else a
Python client (processes × threads, http.client, a new connection when the server closes one,
which gunicorn's sync workers always do). Each request picks one of the given paths at random.

    python bench/load.py http://127.0.0.1:8000 --path /v1/claims/clm_… --token ctk_… --duration 10
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

LUA_SCRIPT = Path(__file__).with_name("wrk_scenario.lua")


@dataclass
class Result:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # connection errors, timeouts and unexpected statuses
    client: str

    def as_dict(self) -> dict:
        return asdict(self)


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run(base_url: str, paths: list[str], *, method: str = "GET", body: str | None = None, token: str | None = None,
        duration: float = 10, connections: int = 4, threads: int = 1, client: str = "auto") -> Result:
    if client == "wrk" or (client == "auto" and wrk_available()):
        return _run_wrk(base_url, paths, method, body, token, duration, connections, threads)
    return _run_python(base_url, paths, method, body, token, duration, connections, threads)


# ----------------------------------------------------------------------------- wrk

def _run_wrk(base_url, paths, method, body, token, duration, connections, threads) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as handle:
        handle.write("\n".join(paths) + "\n")
        paths_file = handle.name
    env = {**os.environ, "WRK_PATHS": paths_file, "WRK_METHOD": method, "WRK_BODY": body or "",
           "WRK_TOKEN": token or ""}
    seconds = max(1, round(duration))
    command = ["wrk", f"-t{threads}", f"-c{max(connections, threads)}", f"-d{seconds}s", "--timeout", "30s",
               "-s", str(LUA_SCRIPT), base_url]
    try:
        out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    finally:
        os.unlink(paths_file)
    line = next((l for l in out.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    data = json.loads(line[len("WRKJSON "):])
    elapsed = data["duration_us"] / 1e6
    errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    return Result(requests=data["requests"], seconds=round(elapsed, 2), rps=data["requests"] / elapsed,
                  p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000, errors=errors, client="wrk")


# ----------------------------------------------------------------------------- Python client

def _client_process(host, port, paths, method, body, token, deadline, n_threads, queue) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    payload = body.encode() if body is not None else None
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def loop():
        rng = random.Random()
        mine, bad = [], 0
        connection = None
        while time.time() < deadline:
            path = rng.choice(paths)
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(host, port, timeout=30)
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    bad += 1
                if response.will_close:
                    connection.close()
                    connection = None
            except OSError:
                bad += 1
                connection = None
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    workers = [threading.Thread(target=loop) for _ in range(n_threads)]
    loop_started = time.time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((latencies, errors[0], loop_started))


def _run_python(base_url, paths, method, body, token, duration, connections, threads) -> Result:
    parts = urlsplit(base_url)
    processes = max(1, threads)
    per_process = max(1, connections // processes)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    started = time.time()
    deadline = started + duration + 1.0  # the processes need a moment to start
    workers = [context.Process(target=_client_process, args=(parts.hostname, parts.port, paths, method, body, token,
                                                            deadline, per_process, queue))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    latencies, errors, starts = [], 0, []
    for _ in workers:
        mine, bad, loop_started = queue.get()
        latencies.extend(mine)
        errors += bad
        starts.append(loop_started)
    for worker in workers:
        worker.join()
    elapsed = deadline - min(starts)
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")

    return Result(requests=len(latencies), seconds=round(elapsed, 2), rps=len(latencies) / elapsed,
                  p50_ms=pct(0.50), p99_ms=pct(0.99), errors=errors, client="python")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="load one URL set and print rps / p50 / p99 as JSON")
    parser.add_argument("base_url")
    parser.add_argument("--path", action="append", required=True, help="a path to request (repeat for several)")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--body")
    parser.add_argument("--token")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args(argv)
    result = run(args.base_url, args.path, method=args.method, body=args.body, token=args.token,
                 duration=args.duration, connections=args.connections, threads=args.threads, client=args.client)
    print(json.dumps(result.as_dict()))


if __name__ == "__main__":
    main()
