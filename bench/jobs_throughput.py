"""Jobs: extraction throughput with 1, 2 and 4 worker processes, and the queue's own cost per job.

    python bench/jobs_throughput.py [--jobs 16] [--workers 1,2,4] [--noop 300] [--redis URL]

Everything runs on a fresh SQLite database and an embedded queue (huey's SQLite store) in a
temporary folder; with --redis the no-op measurement is repeated on a Redis queue (a queue name of
its own, flushed afterwards).

1. Extraction, jobs/s: for each worker count W, W `claimtrack worker --threads 1` processes are
   started (the model preloaded, so loading is not timed), then --jobs extraction jobs are
   submitted for sources not extracted before (each five of the sample and gold articles, about
   9,000 characters), and the wall time from the first submit to the last job finished is
   measured. Each count runs twice (1,2,4 then 4,2,1), the better kept. Reported as jobs/s and as
   a ratio to one worker, all in one run (compare ratios, not absolute numbers across runs).
2. Queue overhead: a no-op job kind run --noop times through the whole path (Job row, huey message,
   consumer with one worker thread in this process, the run's state changes, its result), timed
   from the first submit to the last finish, per job; against calling the same function directly.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_JOB = 5
sys.path.insert(0, str(ROOT))


def articles() -> list[str]:
    files = sorted((ROOT / "data" / "samples").glob("*.txt")) + sorted((ROOT / "data" / "gold" / "extra").glob("*.txt")) \
        + sorted((ROOT / "data" / "gold" / "heldout").glob("*.txt"))
    return [f.read_text(encoding="utf-8") for f in files]


def wait_all(job_ids: list[int], timeout: float = 3600) -> None:
    from api.db import database
    from api.services.jobs import finished_jobs
    pending, deadline = set(job_ids), time.monotonic() + timeout
    while pending:
        with database.connection_context():
            pending -= set(finished_jobs(list(pending)))
        if pending:
            if time.monotonic() > deadline:
                raise SystemExit(f"{len(pending)} jobs did not finish")
            time.sleep(0.02)


def start_workers(count: int, env: dict, folder: Path) -> list[subprocess.Popen]:
    """`count` worker processes, returned once each has loaded the model and started consuming."""
    processes, logs = [], []
    for n in range(count):
        log = folder / f"worker-{count}-{n}.log"
        logs.append(log)
        with open(log, "wb") as output:
            processes.append(subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--threads", "1"],
                                              env=env, stdout=output, stderr=subprocess.STDOUT))
    for process, log in zip(processes, logs):
        while "thread(s) on" not in log.read_text():
            if process.poll() is not None:
                raise SystemExit(log.read_text())
            time.sleep(0.2)
    return processes


def extraction_round(workers: int, texts: list[str], env: dict, folder: Path) -> float:
    """jobs/s with `workers` worker processes on fresh sources."""
    from api.db import database
    from api.services import jobs
    from api.services.audit import CLI
    from api.services.extraction import submit_extraction
    from api.services.sources import create_source
    tag = uuid.uuid4().hex[:8]
    with database.connection_context():
        ids = [create_source({"text": f"{text}\n\n(Copy {tag}-{n}.)", "title": f"bench {n}"}, actor=CLI).source.id
               for n, text in enumerate(texts)]
    processes = start_workers(workers, env, folder)
    try:
        started = time.perf_counter()
        with database.connection_context():
            job_ids = [submit_extraction(pk, actor=CLI).id for pk in ids]
        wait_all(job_ids)
        elapsed = time.perf_counter() - started
        with database.connection_context():
            failed = [job.id for job in jobs.finished_jobs(job_ids).values() if job.status != "succeeded"]
        if failed:
            raise SystemExit(f"{len(failed)} extraction jobs failed")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    return len(texts) / elapsed


def noop_overhead(count: int, url: str, name: str) -> tuple[float, float]:
    """(seconds per job through the queue, seconds per direct call) for a no-op job."""
    from api.db import database
    from api.jobs import queue
    from api.jobs.consumers import running_consumer
    from api.jobs.queue import submitting_to
    from api.jobs.registry import KINDS, job_kind
    from api.services import jobs
    from api.services.audit import CLI

    if "bench.noop" not in KINDS:
        @job_kind("bench.noop", visible_to="admin")
        def noop(run, n: int):
            return {"n": n}

    handler = KINDS["bench.noop"]
    started = time.perf_counter()
    for n in range(count):
        handler(None, n=n)
    direct = (time.perf_counter() - started) / count

    huey = queue.build_huey(url, name=name)
    with submitting_to(huey), running_consumer(huey, workers=1, periodic=False):
        started = time.perf_counter()
        with database.connection_context():
            job_ids = [jobs.submit("bench.noop", {"n": n}, actor=CLI).id for n in range(count)]
        wait_all(job_ids)
        queued = (time.perf_counter() - started) / count
    if url.startswith("redis"):
        huey.storage.flush_all()
    return queued, direct


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=16, help="extraction jobs per worker count")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--noop", type=int, default=300, help="no-op jobs for the overhead measurement")
    parser.add_argument("--redis", help="also measure the overhead on this Redis (e.g. redis://127.0.0.1:6379/1)")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="claimtrack-jobs-bench-"))
    database_url = f"sqlite:///{folder / 'bench.db'}"
    queue_url = f"sqlite:///{folder / 'bench-queue.db'}"
    os.environ.update({"DATABASE_URL": database_url, "CLAIMTRACK_QUEUE_URL": queue_url})
    from api.app import create_app
    from api.config import Config
    from api.db import migrate
    create_app(Config.from_env())
    migrate()
    env = {**os.environ, "CLAIMTRACK_PRELOAD_MODEL": "1", "CLAIMTRACK_LOG_LEVEL": "warning", "PYTHONPATH": str(ROOT)}

    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at start")
    # One job extracts a source of PER_JOB articles (about 9,000 characters): long enough that the
    # model's work, not the queue's, is what is measured.
    pool = articles()
    texts = ["\n\n".join(pool[(n * PER_JOB + k) % len(pool)] for k in range(PER_JOB)) for n in range(args.jobs)]
    print(f"extraction: {len(texts)} jobs per round ({sum(map(len, texts)) // len(texts):,} characters on average)")
    counts = [int(w) for w in args.workers.split(",")]
    rates: dict[int, list[float]] = {w: [] for w in counts}
    # Two passes, the second in reverse order, so a change in the machine's load during the run
    # weighs on every worker count; the better of the two is kept for each.
    for order in (counts, counts[::-1]):
        for workers in order:
            rates[workers].append(extraction_round(workers, texts, env, folder))
            print(f"  {workers} worker(s): {rates[workers][-1]:.2f} jobs/s", flush=True)
    best = {w: max(r) for w, r in rates.items()}
    for workers in counts:
        print(f"best of 2, {workers} worker(s): {best[workers]:.2f} jobs/s  ({best[workers] / best[counts[0]]:.2f}x one worker)")

    stores = [("embedded SQLite", queue_url, "claimtrack")]
    if args.redis:
        stores.append(("Redis", args.redis, f"bench-{uuid.uuid4().hex[:8]}"))
    for label, url, name in stores:
        queued, direct = noop_overhead(args.noop, url, name)
        print(f"no-op job on {label}: {queued * 1000:.2f} ms per job through the queue "
              f"(submit → consumer → finished, {args.noop} jobs, 1 worker thread) vs {direct * 1e6:.2f} µs called "
              f"directly: overhead {(queued - direct) * 1000:.2f} ms per job")
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
