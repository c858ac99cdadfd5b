"""The webhook outbox: every change that makes an event writes it in its own transaction, on
SQLite and PostgreSQL alike; a rolled-back change leaves no event, and a change whose event cannot
be written is not made. The relay turns events into one delivery per subscribed endpoint."""
from __future__ import annotations

import json

import pytest

from api.db import database
from api.domain.errors import PreconditionFailed
from api.domain.ids import encode_id
from api.models import Claim, Source, WebhookDelivery, WebhookEvent
from api.services import outbox
from api.services.claims import create_claim, update_claim
from api.services.sources import create_source
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
