"""The database: one proxy that the models bind to, opened from DATABASE_URL.

SQLite is the zero-set-up default; PostgreSQL (psycopg 3) is used when DATABASE_URL is a
postgresql:// URL. The same models and migrations serve both.

The proxy resolves to the process's database (`bind`) unless the calling thread is pinned to one
of its own (`pin_thread`): a job consumer's worker threads are pinned to the database their queue
belongs to (api.jobs.queue), so rebinding the process (a second app, a test switching databases)
never moves a job that is running or about to run onto another database.
"""
from __future__ import annotations

import select
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import peewee
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase


class ThreadPinnableProxy(peewee.DatabaseProxy):
    """peewee's DatabaseProxy whose `obj` is the calling thread's pinned database, if any, else
    the process's (what `initialize`, i.e. `bind`, set). Threads that never pin cost one attribute
    read more per access (`_pinned` stays False until a thread pins)."""

    __slots__ = ("_process_db", "_threads", "_pinned")

    def __init__(self):
        object.__setattr__(self, "_threads", threading.local())
        object.__setattr__(self, "_pinned", False)
        super().__init__()

    def __setattr__(self, attr, value):
        # Proxy's own check reads the subclass's __slots__ only; the slots refuse unknown names.
        object.__setattr__(self, attr, value)

    @property
    def obj(self) -> peewee.Database | None:
        if self._pinned:
            pinned = getattr(self._threads, "db", None)
            if pinned is not None:
                return pinned
        return self._process_db

    @obj.setter
    def obj(self, db: peewee.Database | None) -> None:
        object.__setattr__(self, "_process_db", db)

    def pin_thread(self, db: peewee.Database | None) -> None:
        """Make `db` this thread's database whatever the process's becomes (None: follow the
        process's again)."""
        if db is not None:
            object.__setattr__(self, "_pinned", True)
        self._threads.db = db


database = ThreadPinnableProxy()

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def is_postgres(db: peewee.Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, peewee.PostgresqlDatabase)


class PostgresPool(PooledPostgresqlDatabase):
    """A pool that checks a connection at checkout without peewee's `SELECT 1` round trip
    (13% of a claim GET): an idle connection has nothing to read unless the server said
    goodbye (a restart, a shutdown, an idle timeout), so a readable socket means it is gone
    and the pool opens a new one. A connection that dies silently fails its next query, which
    answers 503 (see api.errors) and leaves it marked broken, so the pool discards it then."""

    def _is_closed(self, conn):
        if conn.closed or self._adapter.txn_status(conn) == self._adapter.txn_unknown:
            return True
        readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
        return bool(readable)


# Connections are kept between requests: opening one (and, for SQLite, setting its pragmas)
# would otherwise cost more than the request. Per process; a gunicorn worker is one process.
# Under gevent more requests than connections can be in flight: a request waits up to `timeout`
# seconds for a free connection instead of failing at once.
POOL = {"max_connections": 8, "stale_timeout": 300, "timeout": 10}


def open_database(url: str, *, busy_timeout_ms: int = 15000) -> peewee.Database:
    """Build (not connect) the database named by a URL: a pool of connections."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        if not path:
            raise ValueError("DATABASE_URL for SQLite looks like sqlite:///claimtrack.db")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return PooledSqliteDatabase(
            path,
            **POOL,
            # The pool hands a connection to one thread at a time.
            check_same_thread=False,
            pragmas={
                # WAL lets readers run while one writer writes; NORMAL sync is durable in WAL.
                "journal_mode": "wal",
                "synchronous": "normal",
                "foreign_keys": 1,
                # Concurrent gunicorn workers wait for the write lock instead of failing.
                "busy_timeout": busy_timeout_ms,
            },
            # BEGIN IMMEDIATE takes the write lock up front, so a transaction never has to
            # upgrade a read lock mid-way (which SQLite refuses with "database is locked").
            lock_type="IMMEDIATE",
        )
    if parts.scheme in ("postgres", "postgresql"):
        return PostgresPool(
            unquote(parts.path.lstrip("/")) or "postgres",
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            host=parts.hostname or None,
            port=parts.port,
            prefer_psycopg3=True,
            **POOL,
            connect_timeout=5,
        )
    raise ValueError(f"unsupported DATABASE_URL scheme {parts.scheme!r}: use sqlite:/// or postgresql://")


def bind(db: peewee.Database) -> peewee.Database:
    """Make `db` the process's database (threads pinned to another keep theirs)."""
    database.initialize(db)
    return db


def pin_thread(db: peewee.Database | None) -> None:
    """Pin the calling thread to `db` (see ThreadPinnableProxy.pin_thread)."""
    database.pin_thread(db)


def release_connections() -> None:
    """Close every pooled connection: before gunicorn forks, so no worker inherits one."""
    if database.obj is not None:
        database.obj.close_all()


def migrate(db: peewee.Database | None = None) -> list[str]:
    """Apply pending migrations; returns the names applied."""
    db = db or database.obj
    with db.connection_context():
        return Runner(db, directory=str(MIGRATIONS_DIR)).up()


INIT_DB_HINT = "run `claimtrack init-db` to create or upgrade it"


class SchemaNotReady(Exception):
    """The database has no schema, or one behind the code (migrations not applied)."""


def sqlite_path(url: str) -> str | None:
    """The file a sqlite:/// URL names (None for other databases and for :memory:)."""
    if not url.startswith("sqlite:///"):
        return None
    path = unquote(url[len("sqlite:///"):])
    return None if path in ("", ":memory:") else path


def check_schema(db: peewee.Database | None = None) -> None:
    """Raise SchemaNotReady, with one line saying what to do, when the database has not applied
    every migration in api/migrations (read from the runner's `schema_migration` table)."""
    db = db or database.obj
    runner = Runner(db, directory=str(MIGRATIONS_DIR))
    with db.connection_context():
        status = runner.status()
    pending = [m.name for m in status if m.path is not None and not m.applied]
    if pending:
        state = "is behind the code ({} migration(s) pending: {})".format(len(pending), ", ".join(pending)) \
            if any(m.applied for m in status) else "has no schema"
        raise SchemaNotReady(f"The database {state}: {INIT_DB_HINT}.")
