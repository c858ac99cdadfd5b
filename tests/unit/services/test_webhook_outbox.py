"""The webhook outbox: every change that makes an event writes it in its own transaction, on
SQLite and PostgreSQL alike; a rolled-back change leaves no event, and a change whose event cannot
be written is not made. The relay turns events into one delivery per subscribed endpoint, and
pruning removes old events with their finished deliveries."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from api.db import database
from api.domain.errors import PreconditionFailed
from api.domain.ids import encode_id
from api.models import Claim, Source, WebhookDelivery, WebhookEvent, utcnow
from api.services import outbox
from api.services.claim_merge import merge_claims
from api.services.claims import create_claim, delete_claim, update_claim
from api.services.sources import create_source, delete_source
from api.services.verdicts import record_verdict
from api.services.webhooks import create_endpoint, update_endpoint

TEXT = "The summit was the first in four years. The summit ended early."


def events() -> list[dict]:
    return [json.loads(e.body) for e in WebhookEvent.select().order_by(WebhookEvent.id)]


@pytest.fixture
def source(db, checker) -> int:
    return create_source({"text": TEXT}, actor=checker).source.id


def test_creating_a_source_writes_source_created(source):
    (event,) = events()
    public = encode_id("source", source)
    assert event["type"] == "source.created"
    assert event["data"] == {"id": public, "href": f"/v1/sources/{public}", "kind": "article"}
    assert event["timestamp"].endswith("Z")


def test_claims_and_verdicts_write_their_events(source, checker):
    claim = create_claim({"appearances": [{"source": source, "start": 0, "end": 10}]}, actor=checker).claim.id
    update_claim(claim, {"tags": ["summits"]}, actor=checker)
    verdict = record_verdict(claim, {"rating": "unverifiable", "rationale": "No record.", "evidence": []},
                             reviewer=checker).verdict.id
    claim_id, verdict_id = encode_id("claim", claim), encode_id("verdict", verdict)
    assert [e["type"] for e in events()] == ["source.created", "claim.created", "claim.updated", "verdict.recorded"]
    created, updated, recorded = events()[1:]
    assert created["data"] == {"id": claim_id, "href": f"/v1/claims/{claim_id}", "origin": "manual"}
    assert updated["data"]["fields"] == ["tags"]
    assert recorded["data"] == {"id": verdict_id, "href": f"/v1/verdicts/{verdict_id}", "rating": "unverifiable",
                                "claim": claim_id, "claim_status": "unverifiable"}


def test_merges_and_deletions_write_their_events(source, checker):
    kept, duplicate, doomed = (create_claim({"appearances": [{"source": source, "start": start, "end": start + 10}]},
                                            actor=checker).claim.id for start in (0, 11, 22))
    merge_claims(kept, duplicate, actor=checker)
    delete_claim(doomed, actor=checker)
    delete_claim(kept, actor=checker)
    delete_source(source, actor=checker)  # nothing points into it any more
    kept_id, duplicate_id, doomed_id, source_id = (encode_id("claim", kept), encode_id("claim", duplicate),
                                                   encode_id("claim", doomed), encode_id("source", source))
    assert [(e["type"], e["data"]) for e in events()[4:]] == [
        ("claim.merged", {"id": kept_id, "href": f"/v1/claims/{kept_id}", "duplicate": duplicate_id}),
        ("claim.deleted", {"id": doomed_id, "href": f"/v1/claims/{doomed_id}"}),
        ("claim.deleted", {"id": kept_id, "href": f"/v1/claims/{kept_id}"}),
        ("source.deleted", {"id": source_id, "href": f"/v1/sources/{source_id}"}),
    ]


def test_a_rolled_back_change_leaves_no_event(source, checker):
    with database.atomic() as transaction:
        create_claim({"appearances": [{"source": source, "start": 0, "end": 10}]}, actor=checker)
        transaction.rollback()
    assert Claim.select().count() == 0
    assert [e["type"] for e in events()] == ["source.created"]


def test_a_refused_change_leaves_no_event(source, checker):
    claim = create_claim({"appearances": [{"source": source, "start": 0, "end": 10}]}, actor=checker)
    with pytest.raises(PreconditionFailed):
        update_claim(claim.claim.id, {"text": "Lost update"}, actor=checker, if_match='"clm_x.v99"')
    assert [e["type"] for e in events()] == ["source.created", "claim.created"]


def test_a_change_whose_event_cannot_be_written_is_not_made(db, checker):
    table = WebhookEvent._meta.table_name
    database.execute_sql(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        with pytest.raises(Exception):
            create_source({"text": TEXT}, actor=checker)
    finally:
        database.execute_sql(f"ALTER TABLE {table}_away RENAME TO {table}")
    assert Source.select().count() == 0


def test_an_event_is_written_only_inside_a_transaction(db):
    with pytest.raises(outbox.OutsideTransaction):
        outbox.emit("claim.created", {"id": "clm_x"})
    assert events() == []


def test_the_relay_makes_one_delivery_per_enabled_subscribed_endpoint(db, checker):
    claims_hook = create_endpoint({"url": "http://127.0.0.1:9/a", "event_types": ["claim.created"]},
                                  actor=checker, allow_private=True).endpoint
    all_hook = create_endpoint({"url": "http://127.0.0.1:9/b", "event_types": ["claim.created", "source.created"]},
                               actor=checker, allow_private=True).endpoint
    off = create_endpoint({"url": "http://127.0.0.1:9/c", "event_types": ["source.created"]},
                          actor=checker, allow_private=True).endpoint
    update_endpoint(off.id, {"enabled": False}, actor=checker, allow_private=True)
    source = create_source({"text": TEXT}, actor=checker).source.id
    create_claim({"appearances": [{"source": source, "start": 0, "end": 10}]}, actor=checker)
    made = outbox.relay_pending()
    pairs = sorted((d.endpoint_id, d.event.type) for d in WebhookDelivery.select().where(WebhookDelivery.id.in_(made)))
    assert pairs == sorted([(claims_hook.id, "claim.created"), (all_hook.id, "claim.created"),
                            (all_hook.id, "source.created")])
    assert outbox.relay_pending() == []
    assert WebhookEvent.select().where(WebhookEvent.relayed_at.is_null()).count() == 0


def test_pruning_deletes_old_events_with_their_finished_deliveries_and_keeps_the_rest(db, checker):
    hook = create_endpoint({"url": "http://127.0.0.1:9/a", "event_types": ["source.created"]},
                           actor=checker, allow_private=True).endpoint
    delivered, retrying, recent = (create_source({"text": f"{TEXT} {n}"}, actor=checker).source.id for n in range(3))
    outbox.relay_pending()
    by_source = {json.loads(e.body)["data"]["id"]: e.id for e in WebhookEvent.select()}
    delivered_event, retrying_event, recent_event = (by_source[encode_id("source", s)] for s in (delivered, retrying, recent))
    long_ago = utcnow() - dt.timedelta(days=40)
    WebhookEvent.update(relayed_at=long_ago).where(WebhookEvent.id.in_([delivered_event, retrying_event])).execute()
    WebhookDelivery.update(status="succeeded").where(WebhookDelivery.event != retrying_event).execute()

    assert outbox.prune(utcnow() - dt.timedelta(days=30)) == 1
    assert sorted(e.id for e in WebhookEvent.select()) == sorted([retrying_event, recent_event])
    assert sorted(d.event_id for d in WebhookDelivery.select().where(WebhookDelivery.endpoint == hook.id)) == \
        sorted([retrying_event, recent_event])  # the delivered one went with its event
    assert outbox.prune(utcnow() - dt.timedelta(days=30)) == 0


def test_pruning_goes_oldest_first_a_batch_at_a_time(db, checker):
    for n in range(3):
        create_source({"text": f"{TEXT} {n}"}, actor=checker)
    outbox.relay_pending()  # no endpoint: relayed with no delivery
    ids = sorted(e.id for e in WebhookEvent.select())
    for age, pk in zip((50, 40, 45), ids):
        WebhookEvent.update(relayed_at=utcnow() - dt.timedelta(days=age)).where(WebhookEvent.id == pk).execute()
    assert outbox.prune(utcnow() - dt.timedelta(days=30), limit=2) == 2
    assert [e.id for e in WebhookEvent.select()] == [ids[1]]  # the 40-day-old one is left for the next batch


@pytest.mark.parametrize("retention_days, left", [(30, 0), (0, 1)])
def test_the_minute_sweep_prunes_by_the_configured_retention(db, checker, monkeypatch, retention_days, left):
    from api.jobs.kinds.webhooks import sweep
    from api.services import delivery
    create_source({"text": TEXT}, actor=checker)
    outbox.relay_pending()
    WebhookEvent.update(relayed_at=utcnow() - dt.timedelta(days=400)).execute()
    monkeypatch.setattr(delivery, "SETTINGS", delivery.DeliverySettings(retention_days=retention_days))
    sweep()  # 0 keeps everything
    assert WebhookEvent.select().count() == left
