"""Webhooks: endpoints newsrooms register, the outbox of events, and each event's delivery to each endpoint."""
from __future__ import annotations

import peewee

from api.models.base import BaseModel, Versioned, utcnow


class WebhookEndpoint(Versioned):
    """A URL that receives the events it subscribes to, signed with its secret (Standard Webhooks).

    The secret is stored as given out (`whsec_` + base64 of 32 random bytes): signing needs it, so
    it cannot be hashed like an API key's. `failing_reason` is set when a delivery gave up after every
    attempt and cleared by the next success."""

    url = peewee.TextField()
    description = peewee.TextField(default="")
    event_types = peewee.TextField()  # a JSON array of WEBHOOK_EVENT_TYPES
    secret = peewee.CharField(max_length=64)
    enabled = peewee.BooleanField(default=True)
    failing_reason = peewee.TextField(null=True)
    failing_since = peewee.DateTimeField(null=True)


class WebhookEvent(BaseModel):
    """The outbox: one row per event, written in the transaction of the change it reports.

    `body` is the exact JSON sent (`{"type", "timestamp", "data"}`); `relayed_at` is set once the
    relay has made its deliveries."""

    type = peewee.CharField(max_length=64)
    body = peewee.TextField()
    created_at = peewee.DateTimeField(default=utcnow)
    relayed_at = peewee.DateTimeField(null=True)


class WebhookDelivery(BaseModel):
    """One event to one endpoint: its attempts so far, its state and when it is tried next.

    `lease_until` is set while a worker sends it: another worker (or the sweep) leaves it alone
    until then, and takes it over after (the first worker was killed)."""

    endpoint = peewee.ForeignKeyField(WebhookEndpoint, on_delete="CASCADE", backref="deliveries")
    event = peewee.ForeignKeyField(WebhookEvent, on_delete="CASCADE")
    status = peewee.CharField(max_length=16)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(null=True)
    lease_until = peewee.DateTimeField(null=True)
    last_attempt_at = peewee.DateTimeField(null=True)
    last_status_code = peewee.IntegerField(null=True)
    last_error = peewee.TextField(null=True)
    delivered_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)
