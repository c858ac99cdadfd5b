"""One delivery attempt (api.services.delivery.attempt) against a real receiver on 127.0.0.1: the
address is checked again at delivery time, a failure schedules the next attempt, a delivery not
yet due is left alone and given the rest of its wait, one held by another worker is left alone,
and success is recorded once."""
from __future__ import annotations

import datetime as dt

import pytest
from standardwebhooks import Webhook

from api.db import database
from api.models import WebhookDelivery, utcnow
from api.services import outbox
from api.services.delivery import DeliverySettings, attempt
from api.services.webhooks import create_endpoint
from tests.receiver import Receiver

ALLOWED = DeliverySettings(allow_private=True, delays=(5, 60))


@pytest.fixture
def receiver():
    with Receiver() as receiver:
        yield receiver


def a_delivery(url: str, checker) -> tuple[int, str]:
    """(delivery key, endpoint secret) of one claim.created event to `url`."""
    created = create_endpoint({"url": url, "event_types": ["claim.created"]}, actor=checker, allow_private=True)
    with database.atomic():
        outbox.emit("claim.created", {"id": "clm_x"})
    outbox.relay_pending()  # (or the queue's periodic sweep, running beside the tests, did)
    (delivery,) = WebhookDelivery.select().where(WebhookDelivery.endpoint == created.endpoint.id)
    return delivery.id, created.secret


def test_an_attempt_posts_the_signed_event_and_records_success(db, checker, receiver):
    pk, secret = a_delivery(receiver.url, checker)
    assert attempt(pk, ALLOWED) is None
    (got,) = receiver.received
    assert Webhook(secret).verify(got.body, got.headers)["data"] == {"id": "clm_x"}
    row = WebhookDelivery.get_by_id(pk)
    assert (row.status, row.attempts, row.last_status_code, row.lease_until) == ("succeeded", 1, 200, None)
    assert attempt(pk, ALLOWED) is None and len(receiver.received) == 1  # done: never sent twice


def test_a_private_address_is_refused_again_at_delivery_time(db, checker, receiver):
    pk, _ = a_delivery(receiver.url, checker)  # registered while the operator allowed private targets
    assert attempt(pk, DeliverySettings(allow_private=False, delays=(5,))) == 5
    assert receiver.received == []
    row = WebhookDelivery.get_by_id(pk)
    assert row.status == "pending" and row.attempts == 1 and "loopback" in row.last_error


def test_a_failed_attempt_schedules_the_next_and_the_last_gives_up(db, checker):
    with Receiver(first_answers=[500, 502, 503]) as receiver:
        pk, _ = a_delivery(receiver.url, checker)
        assert attempt(pk, ALLOWED) == 5
        assert 0 < attempt(pk, ALLOWED) <= 5  # not due for 5 s: nothing sent, the rest of the wait returned
        WebhookDelivery.update(next_attempt_at=utcnow()).where(WebhookDelivery.id == pk).execute()
        assert attempt(pk, ALLOWED) == 60
        WebhookDelivery.update(next_attempt_at=utcnow()).where(WebhookDelivery.id == pk).execute()
        assert attempt(pk, ALLOWED) is None
    assert [r.status for r in receiver.received] == [500, 502, 503]
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    row = WebhookDelivery.get_by_id(pk)
    assert (row.status, row.attempts, row.last_status_code, row.next_attempt_at) == ("failed", 3, 503, None)
    assert "failed after 3 attempts" in row.endpoint.failing_reason


def test_a_delivery_another_worker_holds_is_left_alone(db, checker, receiver):
    pk, _ = a_delivery(receiver.url, checker)
    WebhookDelivery.update(lease_until=utcnow() + dt.timedelta(seconds=60)).where(WebhookDelivery.id == pk).execute()
    assert attempt(pk, ALLOWED) is None
    assert receiver.received == [] and WebhookDelivery.get_by_id(pk).attempts == 0


def test_a_message_that_comes_before_the_delivery_is_due_gets_the_rest_of_the_wait(db, checker, receiver):
    # A queue's clock may run a scheduled message a little early; dropping it would leave the
    # delivery to the minute sweep, so the caller is told how long to wait instead.
    pk, _ = a_delivery(receiver.url, checker)
    WebhookDelivery.update(next_attempt_at=utcnow() + dt.timedelta(seconds=30)).where(WebhookDelivery.id == pk).execute()
    remaining = attempt(pk, ALLOWED)
    assert 29 < remaining <= 30
    row = WebhookDelivery.get_by_id(pk)
    assert receiver.received == [] and (row.status, row.attempts, row.lease_until) == ("pending", 0, None)
