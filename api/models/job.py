"""Background jobs: the source of truth for work done off the request (the queue only carries ids)."""
from __future__ import annotations

import peewee

from api.models.base import BaseModel, utcnow


class Job(BaseModel):
    """One unit of background work (an extraction, an import…), public id `job_…`.

    `status` moves queued → running → succeeded | failed (vocabulary.JOB_STATUSES); a run whose
    worker died (its lease expired) goes back to queued until `attempts` reaches `max_attempts`.
    `params`, `result` and `error` are JSON text: the task's plain arguments, its summary (ids
    created), and an RFC 9457 problem object."""

    kind = peewee.CharField(max_length=64)
    status = peewee.CharField(max_length=16, default="queued")
    params = peewee.TextField(default="{}")
    progress_done = peewee.IntegerField(default=0)
    progress_total = peewee.IntegerField(null=True)
    result = peewee.TextField(null=True)
    error = peewee.TextField(null=True)
    attempts = peewee.IntegerField(default=0)
    max_attempts = peewee.IntegerField(default=3)
    actor_key_id = peewee.BigIntegerField(null=True)
    actor_name = peewee.CharField(max_length=200)
    actor_role = peewee.CharField(max_length=16, null=True)
    created_at = peewee.DateTimeField(default=utcnow)
    started_at = peewee.DateTimeField(null=True)
    finished_at = peewee.DateTimeField(null=True)
    updated_at = peewee.DateTimeField(default=utcnow)
    # While running: the time by which the worker must renew its claim (its heartbeat), or the
    # run is taken for dead. While queued after a failure: when the retry is due.
    lease_until = peewee.DateTimeField(null=True)
