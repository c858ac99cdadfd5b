from __future__ import annotations

import peewee

from api.models.base import BaseModel, utcnow


class AuditEntry(BaseModel):
    """Who changed what, when: written in the transaction of the change itself."""

    at = peewee.DateTimeField(default=utcnow)
    actor_key_id = peewee.BigIntegerField(null=True)  # no foreign key: the trail outlives keys
    actor_name = peewee.CharField(max_length=200)
    action = peewee.CharField(max_length=32)
    resource_type = peewee.CharField(max_length=16)
    resource_id = peewee.BigIntegerField()
    details = peewee.TextField(default="{}")  # JSON: changed field names, never values of secrets
