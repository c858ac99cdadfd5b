"""Settings, read once from the environment. Every variable is documented in README.md."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from api.domain.webhooks import RETRY_DELAYS


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


def _list(env: dict, name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in env.get(name, "").split(",") if part.strip())


def _seconds_list(env: dict, name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """A comma-separated list of whole seconds (each >= 0), or the default."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        values = tuple(int(part) for part in raw.split(","))
    except ValueError:
        raise SystemExit(f"{name} must be comma-separated whole seconds, got {raw!r}") from None
    if any(value < 0 for value in values):
        raise SystemExit(f"{name} may not hold negative seconds, got {raw!r}")
    return values


def _url_template(env: dict, name: str) -> str | None:
    """An absolute http(s) URL with {claim_id} as its only placeholder, or None."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    try:
        filled = raw.format(claim_id="clm_x")
    except (KeyError, IndexError, ValueError):
        raise SystemExit(f"{name} may contain only the placeholder {{claim_id}}, got {raw!r}") from None
    if "{claim_id}" not in raw or not filled.startswith(("https://", "http://")):
        raise SystemExit(f"{name} must be an http(s) URL containing {{claim_id}}, got {raw!r}")
    return raw


@dataclass(frozen=True)
class Config:
    database_url: str = "sqlite:///claimtrack.db"
    max_body_bytes: int = 2 * 1024 * 1024
    bind: str = "127.0.0.1:8000"
    workers: int = 2
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    sqlite_busy_timeout_ms: int = 15000
    log_level: str = "info"
    preload_model: bool = True  # load the spaCy model in the gunicorn master, before forking
    rate_limit_per_minute: int = 1200  # per API key and worker process; 0 turns limits off
    organization_name: str = "claimtrack"
    organization_url: str | None = None
    public_url: str | None = None
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1")
    rate_limit_storage_url: str = "memory://"
    auth_failures_per_minute: int = 20  # failed authentications per client address
    trusted_proxies: int = 0  # proxies in front whose X-Forwarded-For / -Proto are believed
    claimreview_url_template: str | None = None  # e.g. https://desk.example/fact-checks/{claim_id}
    # The job queue (api/jobs/queue.py): redis://… to share it between machines; sqlite:///file for
    # the embedded store; None: the embedded store beside the SQLite database (queue_url_for).
    queue_url: str | None = None
    queue_name: str = "claimtrack"  # the queue's name in its store (several apps can share a Redis)
    queue_workers: int = 2  # worker threads of the consumer `serve`/`demo` start (`worker --workers`)
    job_lease_seconds: int = 60  # a running job renews its lease every third of this; past it, it is taken for dead
    job_max_attempts: int = 3  # runs of a job before it is marked failed (a crashed worker, a database outage)
    prefer_wait_max_seconds: int = 60  # the cap on `Prefer: wait=N` (RFC 7240)
    # Webhooks (README, Webhooks): allow endpoints on loopback/private addresses (tests, a closed
    # network); seconds to wait after each failed attempt; seconds to wait for a receiver's answer.
    webhooks_allow_private: bool = False
    webhook_retry_delays: tuple[int, ...] = RETRY_DELAYS
    webhook_timeout_seconds: int = 15
    # Stripe keeps events for 30 days; Svix keeps message history for 90 (a paid plan's default).
    webhook_retention_days: int = 30
    # Matching (README, Checked before?): a directory where the vector index is saved and from which
    # every process maps it, instead of each building its own; one directory per database.
    matching_index_dir: str | None = None

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Config":
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("DATABASE_URL") or cls.database_url,
            max_body_bytes=_int(env, "CLAIMTRACK_MAX_BODY_BYTES", cls.max_body_bytes),
            bind=env.get("CLAIMTRACK_BIND") or cls.bind,
            workers=_int(env, "CLAIMTRACK_WORKERS", cls.workers),
            cors_origins=_list(env, "CLAIMTRACK_CORS_ORIGINS"),
            sqlite_busy_timeout_ms=_int(env, "CLAIMTRACK_SQLITE_BUSY_TIMEOUT_MS", cls.sqlite_busy_timeout_ms),
            log_level=env.get("CLAIMTRACK_LOG_LEVEL") or cls.log_level,
            preload_model=env.get("CLAIMTRACK_PRELOAD_MODEL", "1") not in ("0", "false", "no"),
            rate_limit_per_minute=_int(env, "CLAIMTRACK_RATE_LIMIT_PER_MINUTE", cls.rate_limit_per_minute),
            organization_name=env.get("CLAIMTRACK_ORGANIZATION_NAME") or cls.organization_name,
            organization_url=env.get("CLAIMTRACK_ORGANIZATION_URL") or None,
            public_url=(env.get("CLAIMTRACK_PUBLIC_URL") or "").rstrip("/") or None,
            allowed_hosts=_list(env, "CLAIMTRACK_ALLOWED_HOSTS") or cls.allowed_hosts,
            rate_limit_storage_url=env.get("CLAIMTRACK_RATELIMIT_STORAGE_URL") or cls.rate_limit_storage_url,
            auth_failures_per_minute=_int(env, "CLAIMTRACK_AUTH_FAILURES_PER_MINUTE", cls.auth_failures_per_minute),
            trusted_proxies=_int(env, "CLAIMTRACK_TRUSTED_PROXIES", cls.trusted_proxies),
            claimreview_url_template=_url_template(env, "CLAIMTRACK_CLAIMREVIEW_URL_TEMPLATE"),
            queue_url=env.get("CLAIMTRACK_QUEUE_URL") or None,
            queue_name=env.get("CLAIMTRACK_QUEUE_NAME") or cls.queue_name,
            queue_workers=_int(env, "CLAIMTRACK_QUEUE_WORKERS", cls.queue_workers),
            job_lease_seconds=_int(env, "CLAIMTRACK_JOB_LEASE_SECONDS", cls.job_lease_seconds),
            job_max_attempts=_int(env, "CLAIMTRACK_JOB_MAX_ATTEMPTS", cls.job_max_attempts),
            prefer_wait_max_seconds=_int(env, "CLAIMTRACK_PREFER_WAIT_MAX_SECONDS", cls.prefer_wait_max_seconds),
            webhooks_allow_private=env.get("CLAIMTRACK_WEBHOOKS_ALLOW_PRIVATE", "0") in ("1", "true", "yes"),
            webhook_retry_delays=_seconds_list(env, "CLAIMTRACK_WEBHOOK_RETRY_DELAYS", cls.webhook_retry_delays),
            webhook_timeout_seconds=_int(env, "CLAIMTRACK_WEBHOOK_TIMEOUT_SECONDS", cls.webhook_timeout_seconds),
            webhook_retention_days=_int(env, "CLAIMTRACK_WEBHOOK_RETENTION_DAYS", cls.webhook_retention_days),
            matching_index_dir=env.get("CLAIMTRACK_MATCHING_INDEX_DIR") or None,
        )

    def with_(self, **changes) -> "Config":
        return replace(self, **changes)
