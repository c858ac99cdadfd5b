"""How much CPU-bound work a server process takes on at once, and where it runs.

Until extraction moves to a job queue it runs in the request's process. Two things keep it from
taking the service down:

- a per-process cap (`CLAIMTRACK_EXTRACTION_CONCURRENCY`, default 1): a request waits up to
  `CLAIMTRACK_EXTRACTION_WAIT_SECONDS` (default 30) for a free slot, then gets 503 with
  Retry-After instead of queueing without end;
- under gunicorn's gevent worker (`claimtrack serve`) the model runs on a native thread of
  gevent's pool, so the worker's event loop keeps answering other requests (`/healthz`, reads)
  meanwhile instead of freezing for the seconds a long text takes.
"""
from __future__ import annotations

import math
import sys
import threading
from contextlib import contextmanager
from typing import Callable, TypeVar

from api.config import Config
from api.db import database
from api.domain.errors import Busy

T = TypeVar("T")

# Replaced by configure() from the app's settings; these are the defaults until then.
_slots = {"extraction": (threading.BoundedSemaphore(Config.extraction_concurrency),
                         float(Config.extraction_wait_seconds))}


def configure(extraction_concurrency: int, extraction_wait_seconds: float) -> None:
    """Set the cap (called by create_app, after gevent has patched `threading` when it runs)."""
    _slots["extraction"] = (threading.BoundedSemaphore(max(1, extraction_concurrency)),
                            max(0.0, extraction_wait_seconds))


@contextmanager
def extraction_slot():
    """Hold one of the process's extraction slots; Busy (→ 503 + Retry-After) when none frees in time."""
    semaphore, wait = _slots["extraction"]
    if not semaphore.acquire(timeout=wait):
        retry = max(1, math.ceil(wait))
        raise Busy(f"Extraction is at capacity on this server (the cap is per process); retry in {retry} s.",
                   retry_after=retry)
    try:
        yield
    finally:
        semaphore.release()


def off_the_event_loop(function: Callable[..., T], *args) -> T:
    """Run CPU-bound `function(*args)` (no database access) on a native thread when gevent
    drives this process, so other requests keep being served; a plain call otherwise.

    Also a plain call inside a database transaction: a greenlet that yields while it holds
    SQLite's write lock would leave a writer of the same process waiting for that lock in C,
    which blocks the event loop that has to resume the lock holder.
    """
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("threading") and not database.in_transaction():
        import gevent
        return gevent.get_hub().threadpool.apply(function, args)
    return function(*args)
