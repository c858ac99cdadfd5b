"""Slow clients against a running server: do /healthz and a claim GET keep answering?

    python bench/slow_clients.py --base http://127.0.0.1:8000 --key "$(cat claimtrack-demo.key)" \
        --claim clm_… --connections 200 --seconds 60

Opens CONNECTIONS sockets that each send a request line and then one header line every
INTERVAL seconds, never finishing the request (the "slowloris" pattern: a sync gunicorn worker
waits on such a client until its timeout). Meanwhile it probes /healthz and the claim GET
twice a second, each on a fresh connection, and reports how many probes answered 200 and their
worst latency. The live test tests/live/test_slow_clients.py runs a short version of this.
"""
from __future__ import annotations

import argparse
import json
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Probes:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> dict:
        return {name: {"answered": len(times), "failed": len(self.failures.get(name, [])),
                       "max_s": round(max(times), 3) if times else None,
                       "p50_s": round(sorted(times)[len(times) // 2], 3) if times else None}
                for name, times in self.latencies.items()}


def _probe(url: str, headers: dict, probes: Probes, name: str, timeout: float) -> None:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            response.read()
            ok = response.status == 200
    except OSError as error:
        probes.failures.setdefault(name, []).append(repr(error))
        probes.latencies.setdefault(name, [])
        return
    probes.latencies.setdefault(name, []).append(time.monotonic() - started)
    if not ok:
        probes.failures.setdefault(name, []).append("status not 200")


def run(base: str, *, connections: int, seconds: float, interval: float = 5.0,
        claim_url: str | None = None, key: str | None = None, probe_timeout: float = 5.0) -> dict:
    """Keep `connections` slow requests open for `seconds` while probing; returns a summary:
    {"reopened_after_the_server_dropped_them": n, "probes": {name: {answered, failed, max_s, p50_s}}}."""
    parts = urlsplit(base)
    address = (parts.hostname, parts.port or 80)

    def slow_connection():
        sock = socket.create_connection(address, timeout=10)
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {parts.netloc}\r\n".encode())
        return sock

    sockets = [slow_connection() for _ in range(connections)]
    stop = threading.Event()
    reopened = 0

    def trickle():
        # Like a determined attacker: a connection the server drops is opened again at once.
        nonlocal reopened
        n = 0
        while not stop.wait(interval):
            n += 1
            for i, sock in enumerate(sockets):
                try:
                    sock.sendall(f"X-Slow-{n}: {n}\r\n".encode())
                except OSError:
                    sock.close()
                    try:
                        sockets[i] = slow_connection()
                        reopened += 1
                    except OSError:
                        pass

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    probes = Probes()
    targets = [("healthz", f"{base}/healthz", {})]
    if claim_url:
        targets.append(("claim", claim_url, {"Authorization": f"Bearer {key}"} if key else {}))
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            for name, url, headers in targets:
                _probe(url, headers, probes, name, probe_timeout)
            time.sleep(0.5)
    finally:
        stop.set()
        trickler.join(timeout=interval + 1)
        for sock in sockets:
            sock.close()
    return {"connections": connections, "seconds": seconds, "interval": interval,
            "reopened_after_the_server_dropped_them": reopened, "probes": probes.summary()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--key", help="API key for the claim GET")
    parser.add_argument("--claim", help="a claim id (clm_…) to GET while the slow clients hold on")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=5)
    args = parser.parse_args(argv)
    claim_url = f"{args.base}/v1/claims/{args.claim}" if args.claim else None
    print(json.dumps(run(args.base, connections=args.connections, seconds=args.seconds, interval=args.interval,
                         claim_url=claim_url, key=args.key), indent=2))


if __name__ == "__main__":
    main()
