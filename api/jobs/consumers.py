"""Running a real consumer inside a process (tests, `claimtrack ingest --extract`, benchmarks): `with running_consumer(huey): …`.
(To send this process's jobs to another store meanwhile: api.jobs.queue.submitting_to.)"""
from __future__ import annotations

from contextlib import contextmanager

from huey.api import Huey

from api.jobs import queue


@contextmanager
def running_consumer(huey: Huey, *, workers: int = 2, periodic: bool = True):
    """A huey consumer with `workers` worker threads on `huey`'s real store, running against the
    database `huey` belongs to, started now and stopped (after the tasks in hand finish) on exit.
    Yields the consumer."""
    consumer = queue.consumer(huey, workers=workers, worker_type="thread", periodic=periodic)
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)

