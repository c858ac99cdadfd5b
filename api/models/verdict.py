from __future__ import annotations

import peewee

from api.models.base import BaseModel, utcnow
from api.models.claim import Claim
from api.models.key import ApiKey
from api.models.source import Source


class Verdict(BaseModel):
    """One reviewer's rating of a claim. Append-only: never edited, never deleted."""

    claim = peewee.ForeignKeyField(Claim, on_delete="CASCADE", backref="verdicts")
    rating = peewee.CharField(max_length=32)
    rationale = peewee.TextField(default="")
    reviewer = peewee.ForeignKeyField(ApiKey, null=True, on_delete="SET NULL")
    reviewer_name = peewee.CharField(max_length=200)
    created_at = peewee.DateTimeField(default=utcnow)


class Evidence(BaseModel):
    """Why a verdict says what it says: a span of a stored source, or a URL and a quote."""

    verdict = peewee.ForeignKeyField(Verdict, on_delete="CASCADE", backref="evidence")
    stance = peewee.CharField(max_length=16)
    source = peewee.ForeignKeyField(Source, null=True, on_delete="RESTRICT")
    start = peewee.IntegerField(null=True)
    end = peewee.IntegerField(null=True)
    exact = peewee.TextField(null=True)
    prefix = peewee.TextField(null=True)
    suffix = peewee.TextField(null=True)
    url = peewee.TextField(null=True)
    quote = peewee.TextField(null=True)


class IdempotentRequest(BaseModel):
    """A POST made with an Idempotency-Key, and the response to replay for a retry."""

    api_key = peewee.ForeignKeyField(ApiKey, on_delete="CASCADE")
    key = peewee.CharField(max_length=255)
    method = peewee.CharField(max_length=8)
    path = peewee.TextField()
    body_sha256 = peewee.CharField(max_length=64)
    status = peewee.IntegerField(null=True)  # null while the first request is in progress
    response_body = peewee.TextField(null=True)
    response_headers = peewee.TextField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)
