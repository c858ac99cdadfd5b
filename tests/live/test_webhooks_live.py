"""Webhooks end to end: `claimtrack serve` (gunicorn and its job consumer, separate processes) sends
signed events to a real receiver on 127.0.0.1, retries a failed delivery with the same webhook-id,
and shows it all in the delivery log."""
from __future__ import annotations

import json
import time
import urllib.request

import pytest
from standardwebhooks import Webhook

from tests.receiver import Receiver
from tests.support import serving


# Generous: `serve` answers before its consumer process is up, and a loaded machine is slow to start one.
WAIT = 120.0


def call(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(f"{base}{path}", method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


@pytest.fixture
def server(app, database_url, tmp_path):
    # Loopback receivers need the operator setting; retries after 1 s instead of 5 s, 5 min, …
    log = tmp_path / "server.log"
    with serving(database_url, log, workers=2, CLAIMTRACK_WEBHOOKS_ALLOW_PRIVATE="1",
                 CLAIMTRACK_WEBHOOK_RETRY_DELAYS="1,1,1") as base:
        yield base
    # Printed at teardown, so pytest shows it with a failed test: the consumer's side of a delivery.
    print(log.read_text(errors="replace")[-20_000:])


def wait_for_log(base, token, webhook, condition, timeout=None) -> list[dict]:
    timeout = timeout or WAIT
    deadline = time.monotonic() + timeout
    while True:
        log = call(base, token, "GET", f"/v1/webhooks/{webhook}/deliveries")["data"]
        if condition(log):
            return log
        assert time.monotonic() < deadline, log
        time.sleep(0.2)


def test_a_committed_change_reaches_the_receiver_signed_per_standard_webhooks(server, tokens):
    with Receiver() as receiver:
        created = call(server, tokens["admin"], "POST", "/v1/webhooks",
                       {"url": receiver.url, "event_types": ["source.created", "claim.created"]})
        source = call(server, tokens["checker"], "POST", "/v1/sources", {"text": "The summit ended early."})
        (got,) = receiver.wait_for(lambda got: len(got) >= 1, timeout=WAIT)
    payload = Webhook(created["secret"]).verify(got.body, got.headers)
    assert payload["type"] == "source.created"
    assert payload["data"] == {"id": source["id"], "href": f"/v1/sources/{source['id']}", "kind": "article"}
    assert got.headers["webhook-id"].startswith("msg_") and got.headers["content-type"] == "application/json"
    log = wait_for_log(server, tokens["admin"], created["id"], lambda log: log and log[0]["status"] == "succeeded")
    assert (log[0]["message"]["id"], log[0]["status_code"], log[0]["attempts"]) == (got.headers["webhook-id"], 200, 1)


def test_a_receiver_that_answers_500_gets_the_same_webhook_id_again(server, tokens):
    with Receiver(first_answers=[500]) as receiver:
        created = call(server, tokens["admin"], "POST", "/v1/webhooks",
                       {"url": receiver.url, "event_types": ["source.created"]})
        call(server, tokens["checker"], "POST", "/v1/sources", {"text": "The vote was counted twice."})
        first, second = receiver.wait_for(lambda got: len(got) >= 2, timeout=WAIT)
    assert (first.status, second.status) == (500, 200)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    for got in (first, second):
        assert Webhook(created["secret"]).verify(got.body, got.headers)["type"] == "source.created"
    (delivery,) = wait_for_log(server, tokens["admin"], created["id"],
                               lambda log: log and log[0]["status"] == "succeeded")
    assert (delivery["attempts"], delivery["status_code"], delivery["last_error"]) == (2, 200, None)


def test_a_delivery_that_fails_every_attempt_marks_the_endpoint_failing(server, tokens):
    with Receiver(first_answers=[503] * 4) as receiver:
        created = call(server, tokens["admin"], "POST", "/v1/webhooks",
                       {"url": receiver.url, "event_types": ["source.created"]})
        call(server, tokens["checker"], "POST", "/v1/sources", {"text": "The bridge was never built."})
        (delivery,) = wait_for_log(server, tokens["admin"], created["id"],
                                   lambda log: log and log[0]["status"] == "failed")
        assert len(receiver.snapshot()) == 4  # the first attempt and 3 retries (CLAIMTRACK_WEBHOOK_RETRY_DELAYS)
        endpoint = call(server, tokens["admin"], "GET", f"/v1/webhooks/{created['id']}")
        assert endpoint["status"] == "failing" and "HTTP 503" in endpoint["failing_reason"]
        assert (delivery["attempts"], delivery["status_code"], delivery["next_attempt_at"]) == (4, 503, None)

        call(server, tokens["admin"], "POST", f"/v1/webhooks/{created['id']}/deliveries/{delivery['id']}/redeliver")
        got = receiver.wait_for(lambda got: len(got) == 5, timeout=WAIT)
    assert got[-1].status == 200 and got[-1].headers["webhook-id"] == delivery["message"]["id"]
    wait_for_log(server, tokens["admin"], created["id"], lambda log: log[0]["status"] == "succeeded")
    assert call(server, tokens["admin"], "GET", f"/v1/webhooks/{created['id']}")["status"] == "active"
