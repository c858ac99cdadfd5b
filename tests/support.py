"""Helpers tests import: the sample documents as shipped in data/samples."""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


# Ask a POST that starts a job to answer with its result (RFC 7240 `Prefer: wait`): the real
# queue and consumer run it meanwhile (see conftest.migrated_app).
WAIT = {"Prefer": "wait=180"}


def sample_text(name: str) -> str:
    return (SAMPLES / name).read_bytes().decode("utf-8")


def sample_metadata() -> list[dict]:
    return json.loads((SAMPLES / "metadata.json").read_text(encoding="utf-8"))


def missing_id(kind: str) -> str:
    """A well-formed id that no row has."""
    from api.domain.ids import encode_id
    return encode_id(kind, 987_654_321)


class ApiClient:
    """The Flask test client with a real key per role: api.get(url, role='reader')."""

    def __init__(self, app, tokens: dict[str, str]):
        self.client = app.test_client()
        self.tokens = tokens

    def request(self, method: str, url: str, *, role: str | None = "checker", headers=None, **kwargs):
        headers = dict(headers or {})
        if role is not None:
            headers.setdefault("Authorization", f"Bearer {self.tokens[role]}")
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url, **kw): return self.request("GET", url, **kw)
    def post(self, url, **kw): return self.request("POST", url, **kw)
    def patch(self, url, **kw): return self.request("PATCH", url, **kw)
    def delete(self, url, **kw): return self.request("DELETE", url, **kw)


def empty_tables() -> None:
    """Delete every row (ids restart), on whichever database the proxy is bound to."""
    import peewee

    from api import models
    from api.db import database
    tables = [m._meta.table_name for m in (
        models.WebhookDelivery, models.WebhookEvent, models.WebhookEndpoint, models.ClaimEmbedding,
        models.AuditEntry, models.IdempotentRequest, models.ImportedReview, models.Evidence, models.Verdict, models.ClaimTag,
        models.ClaimEvent, models.Appearance, models.Mention, models.Claim, models.EventParticipant, models.Event,
        models.PersonNameToken, models.Person, models.Source, models.ApiKey, models.Job)]
    with database.connection_context():
        if isinstance(database.obj, peewee.PostgresqlDatabase):
            _truncate_postgres(database, tables)
        else:
            with database.atomic():
                for table in tables:
                    database.execute_sql(f"DELETE FROM {table}")
                database.execute_sql("DELETE FROM sqlite_sequence")
        # Ids restart: a process's matcher built before must not answer with the old claims' ids.
        models.MatchingState.update(generation=models.MatchingState.generation + 1).execute()


def _truncate_postgres(database, tables: list[str]) -> None:
    """TRUNCATE needs every other session off these tables: wait 60 s at most (a job of the
    session's consumer finishing its transaction), then fail naming the sessions in the way
    rather than hang the suite. (The consumer's threads run against their queue's database
    whatever a test binds the proxy to, so none is left idle in a transaction on another.)"""
    import peewee
    try:
        with database.atomic():
            database.execute_sql("SET LOCAL lock_timeout = '60s'")
            database.execute_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    except peewee.OperationalError as error:
        sessions = database.execute_sql(
            "SELECT pid, state, now() - state_change, left(query, 200) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()
        raise AssertionError(f"emptying the tables waited 60 s for: {sessions}") from error


def post_samples(api) -> dict[str, dict]:
    """The two sample documents posted through the API: {'000': source, '001': source}."""
    stored = {}
    for meta in sample_metadata():
        body = {k: meta[k] for k in ("kind", "title", "url", "publisher", "published_at", "language")}
        response = api.post("/v1/sources", json={**body, "text": sample_text(meta["file"])})
        assert response.status_code == 201, response.json
        stored[meta["file"][:3]] = response.json
    return stored


def free_port() -> int:
    """A loopback port nobody listens on, for a live server (or a benchmark's)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is `pid`, read from /proc (Linux): a server's workers, a
    supervisor's children. (The benchmark's servers use it too: bench/servers.py.)"""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_until_answering(url: str, process, *, timeout: float = 30.0, output=lambda: "") -> None:
    """Poll `url` until it answers 2xx; fail with the server's `output()` if its process exits
    or `timeout` seconds pass first."""
    import time
    import urllib.request
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, output()
            time.sleep(0.2)


@contextmanager
def serving(database_url: str, log_path: Path, *, workers: int = 4, ready: str = "/readyz", **env: str):
    """`claimtrack serve` on a free loopback port, logging to `log_path`; yields its base URL
    once `ready` answers, and stops it afterwards. Limits are off unless `env` sets them."""
    import os
    import subprocess
    import sys
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "CLAIMTRACK_WORKERS": str(workers),
           "CLAIMTRACK_PRELOAD_MODEL": "0", "CLAIMTRACK_BIND": f"127.0.0.1:{port}", "CLAIMTRACK_LOG_LEVEL": "info",
           "CLAIMTRACK_RATE_LIMIT_PER_MINUTE": "0", "CLAIMTRACK_AUTH_FAILURES_PER_MINUTE": "0",
           # Its own embedded queue (and a consumer that `serve` starts beside gunicorn); WAIT's cap.
           "CLAIMTRACK_QUEUE_URL": f"sqlite:///{log_path.parent / 'queue.db'}",
           "CLAIMTRACK_PREFER_WAIT_MAX_SECONDS": "180", **env}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([str(Path(sys.executable).with_name("claimtrack")), "serve"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_answering(f"{base}{ready}", process, output=log_path.read_text)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)
