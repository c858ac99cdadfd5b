"""The webhook outbox: events written in the transaction of the change they report, then relayed
to the endpoints that subscribe to them as deliveries.

`emit` is the only way an event comes to be, and it refuses to run outside a transaction: the
event commits with its change or not at all (no event for a rolled-back change, no change
without its event). After the commit, `relay_pending` (a queued task, see api.tasks.webhooks)
turns each event into one delivery per subscribed endpoint.

Payload (README, Webhooks): `{"type", "timestamp", "data"}` as the Standard Webhooks specification
shapes it; `data` names the resource (`id`, and `href`, its path under the API) with a few fields
that say what happened, never the whole representation: a receiver GETs the current state, which
a retried or late delivery cannot make stale.
"""
from __future__ import annotations

import datetime as dt
import json
import threading

from peewee import fn

from api.db import database, is_postgres
from api.domain.ids import encode_id
from api.domain.vocabulary import DELIVERY_PENDING, WEBHOOK_EVENT_TYPES
from api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, utcnow
from api.models.prepared import PreparedInsert, PreparedQuery, Write

RELAY_BATCH = 500  # events turned into deliveries per transaction
PRUNE_BATCH = 1000  # events deleted per transaction (the sweep prunes one batch a minute)

_local = threading.local()


class OutsideTransaction(RuntimeError):
    """emit() was called with no transaction open: a bug in the calling use case."""


def timestamp(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with milliseconds and `Z`, as the API shows timestamps."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def emit(event_type: str, data: dict) -> WebhookEvent:
    """Write one event to the outbox, in the caller's open transaction.

    `data` is JSON-serialisable (public ids, not keys). Raises OutsideTransaction with no
    transaction open, ValueError for a type not in WEBHOOK_EVENT_TYPES."""
    event = _insert_event.create(**_event_values(event_type, data))
    _local.pending = True
    return event


def event_write(event_type: str, data: dict) -> Write:
    """emit()'s INSERT, for a use case that runs it with its change's own writes (run_writes: one
    statement on PostgreSQL) in the change's transaction; the same checks and errors as emit().
    The relay after the request is asked for from here on (if the writes fail, it finds nothing)."""
    write = _insert_event.write(**_event_values(event_type, data))[1]
    _local.pending = True
    return write


def _event_values(event_type: str, data: dict) -> dict:
    if event_type not in WEBHOOK_EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    if not database.in_transaction():
        raise OutsideTransaction("emit() must run inside the transaction of the change it reports")
    now = utcnow()
    body = json.dumps({"type": event_type, "timestamp": timestamp(now), "data": data},
                      ensure_ascii=False, separators=(",", ":"))
    return {"type": event_type, "body": body, "created_at": now}


_insert_event = PreparedInsert(WebhookEvent)


def take_pending() -> bool:
    """Whether this thread emitted events since the last call (then reset): the caller relays them
    once its transaction has committed (api.tasks.webhooks.relay_soon). Without events, what
    note_subscribers noted is dropped too: it was read for them."""
    pending = getattr(_local, "pending", False)
    _local.pending = False
    if not pending:
        _local.subscribers = None
    return pending


def subscribers_column():
    """A column for the statement a write runs first anyway (POST a verdict's claim lock): whether
    any enabled endpoint exists, as any_subscriber reads it; hand the value to note_subscribers.
    One round trip less per write on PostgreSQL (bench/RESULTS.md, issue #17)."""
    return fn.EXISTS(WebhookEndpoint.select(WebhookEndpoint.id).where(WebhookEndpoint.enabled == True))  # noqa: E712


def note_subscribers(found) -> None:
    """What subscribers_column read in this thread's transaction: the next any_subscriber() answers
    it without a read of its own (an endpoint registered after it hears only of later events)."""
    _local.subscribers = bool(found)


def any_subscriber() -> bool:
    """Whether any enabled endpoint exists: without one a relay has nothing to deliver (an endpoint
    hears only of events after its registration), and the periodic sweep marks the events."""
    known = getattr(_local, "subscribers", None)
    _local.subscribers = None
    return known if known is not None else bool(_an_enabled_endpoint())


_an_enabled_endpoint = PreparedQuery(lambda: WebhookEndpoint.select(WebhookEndpoint.id).where(
    WebhookEndpoint.enabled == True).limit(1).tuples())  # noqa: E712 (a SQL comparison)


def emit_resource(event_type: str, resource: str, pk: int, path: str, **fields) -> WebhookEvent:
    """emit() with data `{"id", "href", **fields}` for the resource of this kind (`claim`) and key;
    `path` is its collection (`/v1/claims`)."""
    return emit(event_type, resource_data(resource, pk, path, **fields))


def resource_data(resource: str, pk: int, path: str, **fields) -> dict:
    """An event's data `{"id", "href", **fields}` for the resource of this kind (`claim`) and key;
    `path` is its collection (`/v1/claims`)."""
    public_id = encode_id(resource, pk)
    return {"id": public_id, "href": f"{path}/{public_id}", **fields}


def relay_pending(limit: int = RELAY_BATCH) -> list[int]:
    """Turn up to `limit` events not yet relayed into deliveries (one per enabled endpoint that
    subscribes to the event's type and was registered by the time of the event), in one transaction; returns the new deliveries' keys, which
    the caller enqueues. Concurrent relays never relay an event twice: PostgreSQL skips rows another
    relay holds, SQLite runs one writer at a time."""
    with database.atomic():
        query = (WebhookEvent.select(WebhookEvent.id, WebhookEvent.type, WebhookEvent.created_at)
                 .where(WebhookEvent.relayed_at.is_null()).order_by(WebhookEvent.id).limit(limit))
        if is_postgres():
            query = query.for_update("FOR UPDATE SKIP LOCKED")
        events = list(query)
        if not events:
            return []
        endpoints = [(e.id, set(json.loads(e.event_types)), e.created_at) for e in WebhookEndpoint
                     .select(WebhookEndpoint.id, WebhookEndpoint.event_types, WebhookEndpoint.created_at)
                     .where(WebhookEndpoint.enabled == True)]  # noqa: E712 (a SQL comparison)
        now = utcnow()
        # An endpoint hears of the events that happen once it is registered, not of older ones.
        rows = [{"endpoint": endpoint_id, "event": event.id, "status": DELIVERY_PENDING, "next_attempt_at": now,
                 "created_at": now}
                for event in events for endpoint_id, types, since in endpoints
                if event.type in types and event.created_at >= since]
        ids = []
        for start in range(0, len(rows), 200):
            chunk = rows[start:start + 200]
            ids += [row[0] for row in WebhookDelivery.insert_many(chunk).returning(WebhookDelivery.id).tuples()
                    .execute()] if is_postgres() else _insert_sqlite(chunk)
        (WebhookEvent.update(relayed_at=now)
         .where(WebhookEvent.id.in_([event.id for event in events])).execute())
        return ids


def _insert_sqlite(rows: list[dict]) -> list[int]:
    return [WebhookDelivery.insert(**row).execute() for row in rows]


def emit_job_failed(job_pk: int, kind: str, problem: dict) -> WebhookEvent:
    """The `job.failed` event of a job marked failed for good, in the transaction that marks it
    (api.services.jobs calls it): data `{"id", "href", "kind", "error"}`, `error` the job's problem object."""
    return emit_resource("job.failed", "job", job_pk, "/v1/jobs", kind=kind, error=problem)


def prune(before: dt.datetime, limit: int = PRUNE_BATCH) -> int:
    """Delete up to `limit` events relayed before `before` (naive UTC) that have no pending delivery,
    with their deliveries (ON DELETE CASCADE); returns how many events went. Every write emits an
    event, whether or not an endpoint listens, so without this the outbox and the delivery log
    would grow forever; the retention is CLAIMTRACK_WEBHOOK_RETENTION_DAYS (README, Webhooks)."""
    pending = WebhookDelivery.select(WebhookDelivery.id).where(
        (WebhookDelivery.event == WebhookEvent.id) & (WebhookDelivery.status == DELIVERY_PENDING))
    # Oldest first through the (relayed_at, id) index; a delivery still being retried keeps its event.
    doomed = (WebhookEvent.select(WebhookEvent.id)
              .where(WebhookEvent.relayed_at.is_null(False) & (WebhookEvent.relayed_at < before) & ~fn.EXISTS(pending))
              .order_by(WebhookEvent.relayed_at, WebhookEvent.id).limit(limit))
    with database.atomic():
        ids = [row[0] for row in doomed.tuples()]
        if ids:
            WebhookEvent.delete().where(WebhookEvent.id.in_(ids)).execute()
    return len(ids)
