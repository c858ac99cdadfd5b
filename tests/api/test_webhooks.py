"""/v1/webhooks: admins register endpoints (the secret shown once), list, change, disable and delete
them, and read each endpoint's delivery log; URLs that are not http(s) or that resolve to
non-public addresses are refused with 422."""
from __future__ import annotations

from dataclasses import replace

import pytest

from api.db import database
from api.domain.ids import decode_id, encode_id
from api.models import WebhookDelivery
from api.services import outbox
from tests.receiver import Receiver
from tests.support import missing_id

PROBLEM = "application/problem+json"
RECEIVER = "http://127.0.0.1:9/hooks"  # never sent to in these tests: nothing relays or delivers


@pytest.fixture
def private_allowed(app):
    """The operator setting CLAIMTRACK_WEBHOOKS_ALLOW_PRIVATE=1, as the tests' receivers are on loopback."""
    config = app.config["CLAIMTRACK"]
    app.config["CLAIMTRACK"] = config.with_(webhooks_allow_private=True)
    yield
    app.config["CLAIMTRACK"] = config


def register(api, **body):
    body = {"url": RECEIVER, "event_types": ["claim.created"], **body}
    response = api.post("/v1/webhooks", json=body, role="admin")
    assert response.status_code == 201, response.json
    return response


def assert_refused_url(response, fragment: str):
    assert response.status_code == 422 and response.mimetype == PROBLEM, response.json
    assert response.json["type"] == "/problems/forbidden-webhook-url"
    assert fragment in response.json["errors"]["url"][0], response.json


def test_the_secret_is_shown_once_at_creation(api, private_allowed):
    created = register(api, description="Newsroom CMS")
    body = created.json
    assert body["secret"].startswith("whsec_")
    assert created.headers["Location"].endswith(f"/v1/webhooks/{body['id']}")
    assert body["status"] == "active" and body["event_types"] == ["claim.created"]
    shown = api.get(f"/v1/webhooks/{body['id']}", role="admin").json
    assert "secret" not in shown and shown["description"] == "Newsroom CMS"
    listed = api.get("/v1/webhooks", role="admin").json["data"]
    assert [w["id"] for w in listed] == [body["id"]] and "secret" not in listed[0]


def test_each_endpoint_gets_its_own_secret(api, private_allowed):
    assert register(api).json["secret"] != register(api).json["secret"]


@pytest.mark.parametrize("role", ["reader", "checker"])
def test_only_admins_manage_webhooks(api, private_allowed, role):
    response = api.post("/v1/webhooks", json={"url": RECEIVER, "event_types": ["claim.created"]}, role=role)
    assert response.status_code == 403
    assert api.get("/v1/webhooks", role=role).status_code == 403
    assert api.get("/v1/webhooks", role="admin").json["data"] == []


@pytest.mark.parametrize("url, fragment", [
    ("ftp://desk.example/hooks", "https://"),
    ("desk.example/hooks", "https://"),
    ("https://user:secret@desk.example/", "user name or password"),
    ("https://nonexistent.invalid/hooks", "does not resolve"),
])
def test_urls_that_are_not_http_or_do_not_resolve_are_refused(api, private_allowed, url, fragment):
    assert_refused_url(api.post("/v1/webhooks", json={"url": url, "event_types": ["claim.created"]}, role="admin"),
                       fragment)
    assert api.get("/v1/webhooks", role="admin").json["data"] == []


@pytest.mark.parametrize("url, fragment", [
    ("http://127.0.0.1:8080/hooks", "loopback"),
    ("http://localhost/hooks", "loopback"),
    ("https://10.1.2.3/hooks", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::1]/hooks", "loopback"),
    ("http://[::ffff:192.168.0.1]/hooks", "private"),
    ("http://224.0.0.1/hooks", "multicast"),
    ("http://0.0.0.0/hooks", "unspecified"),
])
def test_private_targets_are_refused_without_the_operator_setting(api, url, fragment):
    assert_refused_url(api.post("/v1/webhooks", json={"url": url, "event_types": ["claim.created"]}, role="admin"),
                       fragment)
    assert api.get("/v1/webhooks", role="admin").json["data"] == []


@pytest.mark.parametrize("body, field", [
    ({"event_types": ["claim.created"]}, "url"),
    ({"url": RECEIVER}, "event_types"),
    ({"url": RECEIVER, "event_types": []}, "event_types"),
    ({"url": RECEIVER, "event_types": ["person.deleted"]}, "event_types.0"),
    ({"url": RECEIVER, "event_types": ["claim.created"], "secret": "whsec_mine"}, "secret"),
    ({"url": 42, "event_types": ["claim.created"]}, "url"),
])
def test_bad_bodies_are_validation_problems(api, private_allowed, body, field):
    response = api.post("/v1/webhooks", json=body, role="admin")
    assert response.status_code == 422 and response.json["type"] == "/problems/validation", response.json
    assert field in response.json["errors"], response.json
    assert api.get("/v1/webhooks", role="admin").json["data"] == []


def test_an_endpoint_is_disabled_enabled_and_resubscribed(api, private_allowed):
    webhook = register(api).json["id"]
    disabled = api.patch(f"/v1/webhooks/{webhook}", json={"enabled": False}, role="admin")
    assert disabled.status_code == 200 and disabled.json["status"] == "disabled"
    changed = api.patch(f"/v1/webhooks/{webhook}", json={"enabled": True, "event_types": ["verdict.recorded",
                                                                                         "claim.updated"]},
                        role="admin").json
    assert changed["status"] == "active" and changed["event_types"] == ["claim.updated", "verdict.recorded"]


def test_a_change_to_a_forbidden_url_is_refused_and_nothing_changes(api, private_allowed, app):
    webhook = register(api).json["id"]
    app.config["CLAIMTRACK"] = app.config["CLAIMTRACK"].with_(webhooks_allow_private=False)
    assert_refused_url(api.patch(f"/v1/webhooks/{webhook}", json={"url": "http://10.0.0.1/x"}, role="admin"),
                       "private")
    assert api.get(f"/v1/webhooks/{webhook}", role="admin").json["url"] == RECEIVER


def test_a_deleted_endpoint_is_gone(api, private_allowed):
    webhook = register(api).json["id"]
    assert api.delete(f"/v1/webhooks/{webhook}", role="admin").status_code == 204
    assert api.get(f"/v1/webhooks/{webhook}", role="admin").status_code == 404
    assert api.delete(f"/v1/webhooks/{webhook}", role="admin").status_code == 404


def test_unknown_endpoints_and_deliveries_are_404(api, private_allowed):
    webhook = register(api).json["id"]
    assert api.get(f"/v1/webhooks/{missing_id('webhook')}", role="admin").status_code == 404
    assert api.get(f"/v1/webhooks/{missing_id('webhook')}/deliveries", role="admin").status_code == 404
    response = api.post(f"/v1/webhooks/{webhook}/deliveries/{missing_id('delivery')}/redeliver", role="admin")
    assert response.status_code == 404 and response.mimetype == PROBLEM


def relay() -> None:
    with database.connection_context():
        outbox.relay_pending()


@pytest.fixture
def delivering(private_allowed):
    """Deliveries to loopback allowed too (the operator setting, as the worker reads it)."""
    from api.services import delivery
    settings = delivery.SETTINGS
    delivery.SETTINGS = replace(settings, allow_private=True)
    yield
    delivery.SETTINGS = settings


def test_the_delivery_log_shows_each_delivery_newest_first(api, delivering, samples):
    with Receiver() as receiver:
        webhook = register(api, url=receiver.url, event_types=["claim.created"]).json["id"]
        source = samples["001"]["id"]
        for start in (0, 20, 40):
            assert api.post("/v1/claims", json={"appearances": [{"source": source, "start": start,
                                                                 "end": start + 10}]}).status_code == 201
        receiver.wait_for(lambda got: len(got) == 3)
        url = f"/v1/webhooks/{webhook}/deliveries?limit=2"
        first = wait_until(lambda: api.get(url, role="admin").json,
                           lambda page: {d["status"] for d in page["data"]} == {"succeeded"})
    rest = api.get(f"{url}&cursor={first['next_cursor']}", role="admin").json
    deliveries = first["data"] + rest["data"]
    assert rest["next_cursor"] is None and len(deliveries) == 3
    keys = [decode_id("delivery", d["id"]) for d in deliveries]
    assert keys == sorted(keys, reverse=True)
    assert [d["message"]["type"] for d in deliveries] == ["claim.created"] * 3
    assert {(d["status"], d["status_code"], d["attempts"], d["next_attempt_at"]) for d in deliveries} == {
        ("succeeded", 200, 1, None)}
    assert {d["message"]["id"] for d in deliveries} == {r.headers["webhook-id"] for r in receiver.received}


def test_a_delivery_of_another_endpoint_cannot_be_redelivered_through_this_one(api, private_allowed):
    mine = register(api).json["id"]
    other = register(api, event_types=["source.created"], enabled=False).json["id"]
    with database.connection_context():
        with database.atomic():
            event = outbox.emit("source.created", {"id": "src_x"})
            delivery = WebhookDelivery.create(endpoint=decode_id("webhook", other), event=event.id, status="failed")
    response = api.post(f"/v1/webhooks/{mine}/deliveries/{encode_id('delivery', delivery.id)}/redeliver",
                        role="admin")
    assert response.status_code == 404


def wait_until(read, condition, timeout: float = 30.0):
    import time
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if condition(value):
            return value
        assert time.monotonic() < deadline, value
        time.sleep(0.05)
