from __future__ import annotations

import peewee

from api.models.base import BaseModel, utcnow


class ApiKey(BaseModel):
    """An API key; only the SHA-256 of its secret is kept."""

    name = peewee.CharField(max_length=200)
    role = peewee.CharField(max_length=16)
    secret_hash = peewee.CharField(max_length=64)
    created_at = peewee.DateTimeField(default=utcnow)
    revoked_at = peewee.DateTimeField(null=True)
