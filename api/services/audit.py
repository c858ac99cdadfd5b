"""The audit trail: each change records who made it, inside the change's own transaction.

The actor is set once per request by authentication (`acting_as`), so use cases record it
without taking the request as an argument; commands run as "cli".
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from contextvars import ContextVar

from api.models import AuditEntry
from api.pagination import Page, paginate

_actor: ContextVar = ContextVar("claimtrack_actor", default=None)


def set_actor(key) -> None:
    """Called by authentication for the rest of this request (a fresh context per request)."""
    _actor.set(key)


@contextmanager
def acting_as(key):
    token = _actor.set(key)
    try:
        yield
    finally:
        _actor.reset(token)


def record(action: str, resource_type: str, resource_id: int, **details) -> None:
    """Write an audit entry; call inside the transaction that makes the change."""
    key = _actor.get()
    AuditEntry.create(actor_key_id=key.id if key else None, actor_name=key.name if key else "cli",
                      action=action, resource_type=resource_type, resource_id=resource_id,
                      details=json.dumps(details, sort_keys=True, default=str))


def list_entries(filters: dict, *, sort: str, cursor: str | None, limit: int) -> Page:
    query = AuditEntry.select()
    for name in ("action", "resource_type", "resource_id", "actor_key_id"):
        if filters.get(name) is not None:
            query = query.where(getattr(AuditEntry, name) == filters[name])
    if filters.get("after"):
        query = query.where(AuditEntry.at > filters["after"])
    if filters.get("before"):
        query = query.where(AuditEntry.at < filters["before"])
    return paginate(query, sort=sort, cursor=cursor, limit=limit)
