"""Webhook delivery, measured: latency from commit to receipt, and 10,000 events through real
`claimtrack worker` processes, one of them SIGKILLed mid-run (README, Webhooks; bench/RESULTS.md).

    python bench/webhooks.py [--events 10000] [--latency-events 200] [--workers 2] [--threads 4]
                             [--database-url postgresql://…]

The receiver is an HTTP server on 127.0.0.1 in this process (tests/receiver.py): it records each
request's webhook-id and arrival time and answers 200. Events are written by this process with
`outbox.emit` in transactions (as the services do), and relayed after each commit; the workers do
the rest. Latency = arrival at the receiver − the event's `timestamp` (taken inside the writing
transaction, milliseconds before its commit). Prints a Markdown section for bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.config import Config  # noqa: E402
from api.db import database, migrate  # noqa: E402
from api.jobs.kinds.webhooks import relay_soon  # noqa: E402
from api.models import WebhookDelivery, WebhookEvent  # noqa: E402
from api.services import outbox  # noqa: E402
from api.services.audit import CLI  # noqa: E402
from api.services.webhooks import create_endpoint  # noqa: E402
from tests.receiver import Receiver  # noqa: E402


def start_worker(env: dict, threads: int, log: Path) -> subprocess.Popen:
    claimtrack = str(Path(sys.executable).with_name("claimtrack"))
    return subprocess.Popen([claimtrack, "worker", "--threads", str(threads)], env=env,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT)


def emit(count: int, batch: int, pause: float = 0.0) -> None:
    """`count` claim.created events, `batch` per transaction, each batch relayed after its commit."""
    done = 0
    while done < count:
        n = min(batch, count - done)
        with database.connection_context():
            with database.atomic():
                for i in range(n):
                    outbox.emit("claim.created", {"id": f"clm_bench{done + i}", "href": "/v1/claims/x"})
        relay_soon()
        done += n
        if pause:
            time.sleep(pause)


def arrival_latencies(received) -> list[float]:
    out = []
    for r in received:
        stamp = json.loads(r.body)["timestamp"]
        sent = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc).timestamp()
        out.append((r.at - sent) * 1000)
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def wait(receiver: Receiver, unique: int, timeout: float) -> float:
    start = time.monotonic()
    while len({r.headers["webhook-id"] for r in receiver.snapshot()}) < unique and time.monotonic() - start < timeout:
        time.sleep(0.2)
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--latency-events", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="webhooks-bench-"))
    database_url = args.database_url or f"sqlite:///{work / 'bench.db'}"
    env = {**os.environ, "DATABASE_URL": database_url, "CLAIMTRACK_QUEUE_URL": f"sqlite:///{work / 'queue.db'}",
           "CLAIMTRACK_WEBHOOKS_ALLOW_PRIVATE": "1", "CLAIMTRACK_PRELOAD_MODEL": "0",
           # A killed worker's leased deliveries are taken over after connect + 2 × read + 30 s.
           "CLAIMTRACK_WEBHOOK_TIMEOUT_SECONDS": "5", "CLAIMTRACK_LOG_LEVEL": "warning"}
    config = Config.from_env(env)
    create_app(config)
    if database_url.startswith("postgres"):
        import psycopg
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
            connection.execute("CREATE SCHEMA public")
    migrate()

    lines = [f"Database: {'PostgreSQL' if 'postgres' in database_url else 'SQLite'}; queue: embedded SQLite store; "
             f"{args.workers} `claimtrack worker` processes × {args.threads} threads; receiver on 127.0.0.1 in the "
             f"bench process; load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."]
    with Receiver() as receiver:
        with database.connection_context():
            create_endpoint({"url": receiver.url, "event_types": ["claim.created"]}, actor=CLI, allow_private=True)
        workers = [start_worker(env, args.threads, work / f"worker{i}.log") for i in range(args.workers)]
        try:
            time.sleep(3)  # workers up
            # 1. Latency: events one at a time, 20 a second, nothing else running.
            emit(args.latency_events, batch=1, pause=0.05)
            wait(receiver, args.latency_events, 120)
            latencies = arrival_latencies(receiver.snapshot())
            lines.append(f"\nLatency, commit → receipt, {len(latencies)} events one at a time (20/s): "
                         f"p50 **{percentile(latencies, 50):.0f} ms**, p99 **{percentile(latencies, 99):.0f} ms**, "
                         f"max {max(latencies):.0f} ms.")

            # 2. 10,000 events in transactions of 100; a worker SIGKILLed once a third have arrived.
            before = len(receiver.snapshot())
            start = time.monotonic()
            emit(args.events, batch=100)
            emitted = time.monotonic() - start
            while len(receiver.snapshot()) - before < args.events // 3:
                time.sleep(0.05)
            victim = workers[0]
            os.kill(victim.pid, signal.SIGKILL)
            killed_at = len(receiver.snapshot()) - before
            wait(receiver, args.latency_events + args.events, args.timeout)
            total = time.monotonic() - start
            received = receiver.snapshot()[before:]
        finally:
            for process in workers:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in workers:
                process.wait(timeout=30)
    ids = Counter(r.headers["webhook-id"] for r in received)
    with database.connection_context():
        states = Counter(d.status for d in WebhookDelivery.select(WebhookDelivery.status))
        events = WebhookEvent.select().count()
        undelivered = WebhookDelivery.select().where(WebhookDelivery.status != "succeeded").count()
    expected = args.events
    # Lost: an event with neither a receipt nor a delivery still to be attempted (none failed for good here).
    lost = expected - len(ids) - states.get("pending", 0)
    repeats = sum(n - 1 for n in ids.values())
    big = arrival_latencies(received)
    lines.append(
        f"\n{expected:,} events (transactions of 100; written in {emitted:.1f} s), worker pid {victim.pid} SIGKILLed "
        f"after {killed_at:,} had arrived; the receiver stopped waiting {total:.0f} s after the first was written. "
        f"**Lost: {lost}.** Distinct webhook-ids at the receiver: {len(ids):,}; "
        f"outbox events {events:,}, deliveries not yet succeeded when the run stopped {undelivered}; "
        f"**redeliveries of an id already received: {repeats}** (at-least-once: the receiver dedupes by "
        f"webhook-id, after which each event counts once). Deliveries by state: {dict(states)}. "
        f"Latency under this load: p50 {percentile(big, 50) / 1000:.1f} s, p99 {percentile(big, 99) / 1000:.1f} s "
        f"(queueing behind the batch).")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
