"""Webhook delivery on the queue: plain huey tasks (no Job row: a delivery keeps its own state in
webhook_delivery).

- `webhooks.relay`: turn outbox events into deliveries and enqueue one `webhooks.deliver` each.
  Sent after a request or a task that emitted events has committed (relay_soon).
- `webhooks.deliver`: one attempt (api.services.delivery.attempt); after a failure it schedules
  itself again with huey's `schedule(delay=…)` per the retry schedule, with the same webhook-id.
- `webhooks.sweep` (every minute): relays what no relay message carried (a process killed between
  its commit and the enqueue), prunes events and finished deliveries past the retention
  (outbox.prune, a batch a minute) and re-enqueues deliveries whose message was lost (a worker killed
  mid-attempt: huey pops messages without acknowledgement). The delivery's lease makes a
  second message for the same attempt harmless.
"""
from __future__ import annotations

import datetime as dt
import logging

from huey import crontab

from api.db import database
from api.models import utcnow
from api.jobs.tasks import after_task, extra_task
from api.services import delivery, outbox, webhooks

log = logging.getLogger(__name__)


def _tasks() -> dict:
    from api.jobs import queue  # the transport, built lazily from the settings
    return queue.current().claimtrack_tasks


def relay_soon() -> None:
    """Enqueue a relay if this thread emitted events since the last call and an endpoint may want
    them: call once the transaction that emitted them has committed (after a request, after a
    task). Without endpoints no relay runs beside every write; the periodic sweep marks the events."""
    if outbox.take_pending() and outbox.any_subscriber():
        _tasks()["webhooks.relay"]()


def enqueue_delivery(pk: int, delay: float = 0) -> None:
    task = _tasks()["webhooks.deliver"]
    if delay > 0:
        task.schedule(args=(pk,), delay=delay)
    else:
        task(pk)


@extra_task("webhooks.relay")
def relay() -> int:
    """Relay every pending event (in batches); returns the number of deliveries enqueued."""
    made = 0
    with database.connection_context():
        while True:
            ids = outbox.relay_pending()
            for pk in ids:
                enqueue_delivery(pk)
            made += len(ids)
            if len(ids) == 0:
                return made


@extra_task("webhooks.deliver")
def deliver(pk: int) -> None:
    """One attempt at delivery `pk`; schedules the next after a failure while attempts remain, and
    schedules this message again when it came before the delivery was due."""
    with database.connection_context():
        delay = delivery.attempt(pk, delivery.SETTINGS)
    if delay is not None:
        enqueue_delivery(pk, delay)


@extra_task("webhooks.sweep", periodic=crontab(minute="*"))
def sweep() -> int:
    """Relay leftovers, prune events and deliveries past the retention, and re-enqueue overdue
    deliveries; returns how many were re-enqueued."""
    relay()
    with database.connection_context():
        if delivery.SETTINGS.retention_days > 0:
            outbox.prune(utcnow() - dt.timedelta(days=delivery.SETTINGS.retention_days))
        late = delivery.overdue()
    for pk in late:
        enqueue_delivery(pk)
    if late:
        log.warning("webhooks: re-enqueued %d overdue deliveries", len(late))
    return len(late)


webhooks.use_transport(enqueue_delivery)  # redeliver (api.services.webhooks) enqueues through it
after_task(relay_soon)  # events a job emitted (extraction.completed, job.failed) go out when it ends
