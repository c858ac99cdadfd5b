"""The model base: every table binds to the one database proxy."""
from __future__ import annotations

import datetime as dt

import peewee

from api.db import database


def utcnow() -> dt.datetime:
    # Stored naive in UTC (SQLite has no time zones) and to the millisecond, the precision
    # the API shows, so that what a client reads back and filters by is what is stored.
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class BaseModel(peewee.Model):
    id = peewee.BigAutoField()

    class Meta:
        database = database
        legacy_table_names = False


class Versioned(BaseModel):
    """A mutable resource: timestamps plus a version that makes its ETag."""

    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    version = peewee.IntegerField(default=1)


class SpanFields(BaseModel):
    """A span of a source's text (code points, end exclusive), with its quote and context."""

    start = peewee.IntegerField()
    end = peewee.IntegerField()
    exact = peewee.TextField()
    prefix = peewee.TextField(default="")
    suffix = peewee.TextField(default="")
