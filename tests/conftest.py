"""Fixtures: the real app on a real SQLite file and, when CLAIMTRACK_TEST_POSTGRES_URL is set,
again on a real PostgreSQL database. Data is built through the public API from the sample
documents, authenticated with real keys."""
from __future__ import annotations

import logging
import threading
import os

import pytest

from api.app import create_app
from api.config import Config
from api.db import database, migrate
from api.jobs import queue
from api.jobs.consumers import running_consumer
from api.services.keys import create_key
from api.views.common import PAGES, REPRESENTATIONS
from tests.support import ApiClient, empty_tables, post_samples, serving

POSTGRES_URL = os.environ.get("CLAIMTRACK_TEST_POSTGRES_URL")
# A Redis database the suite may flush (e.g. redis://127.0.0.1:6379/13); tests marked
# `redis` run only when it is set, as the PostgreSQL pass runs only with a PostgreSQL URL.
REDIS_URL = os.environ.get("CLAIMTRACK_TEST_REDIS_URL")
# The matching sweep (api/jobs/kinds/matching.py) would embed claims behind a test's back every minute.
os.environ.setdefault("CLAIMTRACK_MATCHING_SWEEP", "0")
# The tests' cap on `Prefer: wait` (production: 60 s): on a loaded machine the first job also
# loads the model.
PREFER_WAIT_MAX = 180
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres_only exist in the PostgreSQL pass only, and tests marked redis only
    when CLAIMTRACK_TEST_REDIS_URL is set (deselected, not skipped)."""
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        only_postgres = item.get_closest_marker("postgres_only") is not None
        needs_redis = item.get_closest_marker("redis") is not None
        out = (only_postgres and params.get("database_url") != "postgres") or (needs_redis and not REDIS_URL)
        (drop if out else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def fresh_representation_caches():
    """Each test starts with this process's stored representations and pages empty, as a new
    worker does: what a request reads or builds (e.g. its SQL statements) never depends on the
    tests that ran before it."""
    REPRESENTATIONS.clear()
    PAGES.clear()


def _reset_postgres(url: str) -> None:
    import psycopg
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    if request.param == "postgres":
        _reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'claimtrack.db'}"


@pytest.fixture(scope="session")
def migrated_app(database_url, tmp_path_factory):
    """The app on this backend, with a real job queue (huey's SQLite store in a temporary file)
    and a real consumer (two worker threads) running it for the whole session. The consumer's
    threads stay on this app's database whatever a test binds the proxy to (api.jobs.queue)."""
    queue_file = tmp_path_factory.mktemp("queue") / "queue.db"
    app = create_app(Config(database_url=database_url, rate_limit_per_minute=0, auth_failures_per_minute=0,
                            queue_url=f"sqlite:///{queue_file}", prefer_wait_max_seconds=PREFER_WAIT_MAX))
    migrate()
    with running_consumer(queue.current(), workers=2):
        yield app


@pytest.fixture
def app(migrated_app):
    """The app with empty tables, and the proxy bound to this backend's database (another app
    built meanwhile, e.g. by a CLI test, rebinds it; its jobs go to that database's queue)."""
    database.initialize(migrated_app.extensions["claimtrack_db"])
    empty_tables()
    return migrated_app


@pytest.fixture
def tokens(app) -> dict[str, str]:
    with database.connection_context():
        return {role: create_key(f"test {role}", role).token for role in ("reader", "checker", "admin")}


@pytest.fixture
def api(app, tokens) -> ApiClient:
    return ApiClient(app, tokens)


@pytest.fixture(scope="module")
def module_api(migrated_app) -> ApiClient:
    """An ApiClient over tables emptied once for the whole module: for test files that build one
    shared world and compare their own before/after, which keeps thousands of requests fast."""
    database.initialize(migrated_app.extensions["claimtrack_db"])
    empty_tables()
    with database.connection_context():
        tokens = {role: create_key(f"module {role}", role).token for role in ("reader", "checker", "admin")}
    return ApiClient(migrated_app, tokens)


@pytest.fixture
def samples(api) -> dict[str, dict]:
    """The two sample documents posted through the API: {'000': source, '001': source}."""
    return post_samples(api)


class QueryCounter(logging.Handler):
    """The statements this thread sends: not those of the job consumer's threads running beside the
    tests (a webhook relay after a write, a job)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.queries: list[str] = []
        self.thread = threading.get_ident()

    def emit(self, record):
        if record.name == "peewee" and record.thread == self.thread:  # not peewee.pool's bookkeeping
            self.queries.append(str(record.msg))


@pytest.fixture
def count_queries():
    """Counts the SQL statements peewee sends, by listening to its query log."""
    logger = logging.getLogger("peewee")
    counter = QueryCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    yield counter
    logger.removeHandler(counter)
    logger.setLevel(previous)


@pytest.fixture
def live_server(app, database_url, tmp_path):
    """`claimtrack serve` under gunicorn (4 workers) on loopback, on this test's database.
    Everything it logs (access log included) goes to tmp_path / "server.log"."""
    with serving(database_url, tmp_path / "server.log") as base:
        yield base
