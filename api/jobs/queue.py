"""The queue: one huey instance per process, built from the settings, and its consumers.

huey is the transport only: a message carries a job's integer key, and the `Job` row
(api/models/job.py) is the source of truth for its state. Two stores:

- embedded (the default): huey's SqliteHuey in a file beside the SQLite database
  (`claimtrack.db` → `claimtrack-queue.db`), or `claimtrack-queue.db` in the working folder
  when the database is PostgreSQL; `CLAIMTRACK_QUEUE_URL=sqlite:///path` names another file.
  Every process on the machine that opens the file shares the queue.
- shared: `CLAIMTRACK_QUEUE_URL=redis://host:6379/0` (RedisHuey), for workers on several machines.

huey pops a message without an acknowledgement, so a worker killed mid-task loses it: the
lease on the Job row (renewed by a heartbeat) is what tells a dead run, and
`api.jobs.tasks.recover` puts such jobs back on the queue (see api/services/jobs.py).

A queue belongs to one database, the one its jobs' rows live in: `configure(config, db)` gives a
database its queue, `current()` is the queue of the database the calling thread uses, and a
consumer's worker threads are pinned to their queue's database (api.db.pin_thread), so a job runs
against the database it was submitted to whatever the process binds meanwhile. In production one
process serves one database; a process holding several (tests, a copy for an import) keeps their
jobs apart.
"""
from __future__ import annotations

import logging
import threading
import weakref
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import peewee
from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer, Worker

from api.config import Config
from api.db import database, pin_thread, sqlite_path
from api.services import jobs

log = logging.getLogger(__name__)

# Each database's queue: its huey once built, else the settings to build it from on first use.
_queues: weakref.WeakKeyDictionary[peewee.Database, Huey | Config] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def queue_url_for(config: Config) -> str:
    """The queue store's URL: CLAIMTRACK_QUEUE_URL, else a SQLite file beside the database's
    (`<stem>-queue.db`), else `claimtrack-queue.db` in the working folder."""
    if config.queue_url:
        return config.queue_url
    path = sqlite_path(config.database_url)
    if path is None:
        return "sqlite:///claimtrack-queue.db"
    database_file = Path(path)
    return f"sqlite:///{database_file.with_name(database_file.stem + '-queue.db')}"


def build_huey(url: str, *, name: str = Config.queue_name, db: peewee.Database | None = None) -> Huey:
    """A huey instance on the store a URL names (redis://… or sqlite:///file), with every task
    of api.jobs.tasks registered on it, belonging to database `db` (default: the one the calling
    thread uses), which its consumers' threads run against (`database_of`).
    Raises ValueError for another scheme."""
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss", "unix"):
        # The results store is not used: a job's outcome is on its row.
        huey = RedisHuey(name, url=url, results=False, utc=True)
    elif parts.scheme == "sqlite":
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        if not path or path == ":memory:":
            raise ValueError("CLAIMTRACK_QUEUE_URL for SQLite names a file: sqlite:///claimtrack-queue.db")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # timeout: seconds a writer waits for the file's lock (several processes share it).
        huey = SqliteHuey(name, filename=path, results=False, utc=True, timeout=30)
    else:
        raise ValueError(f"unsupported CLAIMTRACK_QUEUE_URL scheme {parts.scheme!r}: use redis:// or sqlite:///")
    from api.jobs.tasks import register_tasks
    register_tasks(huey)
    db = db if db is not None else database.obj
    # Weak: the queue does not keep its database (and its pool) alive; see _queues.
    huey.claimtrack_database = weakref.ref(db) if db is not None else None
    return huey


def database_of(huey: Huey) -> peewee.Database | None:
    """The database `huey` belongs to; None for one built with no database bound, or once that
    database is gone."""
    ref = getattr(huey, "claimtrack_database", None)
    return ref() if ref is not None else None


def configure(config: Config, db: peewee.Database) -> None:
    """Give database `db` the queue the settings name (create_app calls it). Built on first use,
    so a process that never submits (`claimtrack openapi`) creates no queue file."""
    with _lock:
        _queues[db] = config


@contextmanager
def submitting_to(huey: Huey):
    """Make `huey` the queue of the database it belongs to for a while (a test or benchmark
    driving worker processes on a store of their own), then the one it had before."""
    db = database_of(huey)
    with _lock:
        previous = _queues.get(db)
        _queues[db] = huey
    try:
        yield huey
    finally:
        with _lock:
            if previous is None:
                _queues.pop(db, None)
            else:
                _queues[db] = previous


def current() -> Huey:
    """The queue of the database the calling thread uses (built from its settings on first use).
    Raises RuntimeError when that database has none (create_app configures it)."""
    db = database.obj
    with _lock:
        entry = _queues.get(db) if db is not None else None
        if entry is None:
            raise RuntimeError("the job queue is not configured for this database: "
                               "call api.jobs.queue.configure(config, db)")
        if isinstance(entry, Config):
            entry = _queues[db] = build_huey(queue_url_for(entry), name=entry.queue_name, db=db)
        return entry


def enqueue(job_id: int, *, delay: float = 0) -> None:
    """Put a message for this job on the queue (after `delay` seconds, for a retry's backoff)."""
    task = current().claimtrack_tasks["run_job"]
    if delay > 0:
        task.schedule(args=(job_id,), delay=delay)
    else:
        task(job_id)


def pending_job_ids() -> set[int]:
    """The jobs that have a message waiting in the queue or its schedule (for recovery)."""
    huey = current()
    ids = set()
    for task in [*huey.pending(), *huey.scheduled()]:
        if task.name.endswith("run_job") and task.args:
            ids.add(task.args[0])
    return ids


jobs.use_transport(enqueue)


class PinnedWorker(Worker):
    """huey's worker, its thread pinned to the database its queue belongs to before its first task."""

    def initialize(self):
        pin_thread(database_of(self.huey))
        super().initialize()


class ThreadConsumer(Consumer):
    """huey's consumer, startable from any thread: signal handlers are set only on the main
    thread (tests run one inside pytest, `serve` runs one in a child process's main thread).
    Its workers run against their queue's database (PinnedWorker)."""

    worker_class = PinnedWorker

    def _set_signal_handlers(self):
        if threading.current_thread() is threading.main_thread():
            super()._set_signal_handlers()


def consumer(huey: Huey, *, workers: int = 1, worker_type: str = "thread", periodic: bool = True) -> Consumer:
    """A consumer of `huey` with `workers` workers (threads or processes), which run against the
    database `huey` belongs to. Poll interval: 0.1 s growing to 1 s while idle, so a job waits
    at most about a second to start. Raises ValueError for a queue that belongs to no database."""
    if database_of(huey) is None:
        raise ValueError("this queue belongs to no database: build it with build_huey(url, db=…)")
    return ThreadConsumer(huey, workers=workers, worker_type=worker_type, periodic=periodic,
                          initial_delay=0.05, backoff=1.5, max_delay=1.0, scheduler_interval=1)
