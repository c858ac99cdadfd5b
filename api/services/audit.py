"""The audit trail: each change records who made it, inside the change's own transaction.

Every write use case takes the `Actor` making it as an argument: the view passes the
request's API key, commands pass `CLI`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from api.models import AuditEntry
from api.models.prepared import PreparedInsert, Write, run_writes
from api.pagination import Page, paginate


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an API key (its id and name), or a command (no key)."""

    key_id: int | None
    name: str


CLI = Actor(key_id=None, name="cli")


def record(actor: Actor, action: str, resource_type: str, resource_id: int, **details) -> None:
    """Write an audit entry; call inside the transaction that makes the change."""
    run_writes([entry(actor, action, resource_type, resource_id, **details)])


def entry(actor: Actor, action: str, resource_type: str, resource_id: int, **details) -> Write:
    """record()'s INSERT, for a use case that runs it with its change's own writes (run_writes:
    one statement on PostgreSQL) in the change's transaction."""
    return _insert_entry.write(actor_key_id=actor.key_id, actor_name=actor.name,
                               action=action, resource_type=resource_type, resource_id=resource_id,
                               details=json.dumps(details, sort_keys=True, default=str))[1]


_insert_entry = PreparedInsert(AuditEntry)


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
