"""Running a real consumer inside a process (tests, `claimtrack ingest --extract`, benchmarks): `with running_consumer(huey): …`."""
from __future__ import annotations

from contextlib import contextmanager

from huey.api import Huey

from api.jobs import queue


@contextmanager
def running_consumer(huey: Huey, *, workers: int = 2, periodic: bool = True):
    """A huey consumer with `workers` worker threads on `huey`'s real store, started now and
    stopped (after the tasks in hand finish) on exit. Yields the consumer."""
    consumer = queue.consumer(huey, workers=workers, worker_type="thread", periodic=periodic)
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)


@contextmanager
def submitting_to(huey: Huey):
    """Send this process's job messages to `huey` for a while (a test driving worker processes
    on a store of their own), then to the queue it used before."""
    previous = queue.current()
    queue.use(huey)
    try:
        yield huey
    finally:
        queue.use(previous)
