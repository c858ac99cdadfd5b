"""Webhook rules: Standard Webhooks signatures, which URLs and addresses an endpoint may have,
and the retry schedule."""
from __future__ import annotations

import base64
import datetime as dt

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from api.domain.webhooks import (
    RETRY_DELAYS, ForbiddenUrl, forbidden_address, new_secret, next_delay, parse_url, sign, signed_headers,
)

# The test vector of the Standard Webhooks reference libraries (libraries/*/tests: secret, msg_id,
# timestamp, payload and the signature they must produce).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_PAYLOAD = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_matches_the_specification_test_vector():
    assert sign(SPEC_SECRET, SPEC_MSG_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD) == SPEC_SIGNATURE


def test_signature_is_base64_hmac_sha256_of_id_timestamp_and_body():
    import hashlib
    import hmac
    key = base64.b64decode(SPEC_SECRET.removeprefix("whsec_"))
    digest = hmac.new(key, f"{SPEC_MSG_ID}.{SPEC_TIMESTAMP}.{SPEC_PAYLOAD}".encode(), hashlib.sha256).digest()
    assert sign(SPEC_SECRET, SPEC_MSG_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD) == "v1," + base64.b64encode(digest).decode()


def test_signed_headers_verify_with_the_library():
    secret = new_secret()
    now = int(dt.datetime.now(dt.timezone.utc).timestamp())
    body = '{"type":"claim.created","timestamp":"2026-11-30T04:00:00.000Z","data":{"id":"clm_x"}}'
    headers = signed_headers(secret, "msg_abc", now, body)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert Webhook(secret).verify(body, headers)["data"] == {"id": "clm_x"}


def test_a_changed_body_fails_verification():
    secret = new_secret()
    now = int(dt.datetime.now(dt.timezone.utc).timestamp())
    headers = signed_headers(secret, "msg_abc", now, '{"a":1}')
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify('{"a":2}', headers)


def test_a_new_secret_is_whsec_and_32_random_bytes():
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret


def test_retry_schedule_is_eight_attempts_over_about_a_day():
    assert [next_delay(n) for n in range(1, 9)] == [*RETRY_DELAYS, None]
    assert sum(RETRY_DELAYS) == 5 + 300 + 1800 + 7200 + 18000 + 36000 + 36000


def test_no_attempt_left_before_the_first_or_after_the_last():
    assert next_delay(0) is None
    assert next_delay(3, (1, 2)) is None


@pytest.mark.parametrize("url, host_port", [
    ("https://desk.example/hooks", ("desk.example", 443)),
    ("http://desk.example:8080/a?b=c", ("desk.example", 8080)),
    ("https://[2001:db8::1]/x", ("2001:db8::1", 443)),
])
def test_http_and_https_urls_are_accepted(url, host_port):
    assert parse_url(url) == host_port


@pytest.mark.parametrize("url", [
    "ftp://desk.example/x", "file:///etc/passwd", "desk.example/hooks", "https:///nohost",
    "https://user:pass@desk.example/", "https://desk.example:99999/", "https://desk.example/ a",
    "https://desk.example/" + "a" * 2000, "gopher://127.0.0.1:6379/_FLUSHALL",
])
def test_other_urls_are_refused(url):
    with pytest.raises(ForbiddenUrl):
        parse_url(url)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.1.2.3", "::1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "fe80::1",
    "224.0.0.1", "ff02::1", "0.0.0.0", "::", "240.0.0.1", "100.64.0.1", "fc00::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1", "192.0.2.1", "255.255.255.255",
])
def test_non_public_addresses_are_forbidden(address):
    assert forbidden_address(address) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert forbidden_address(address) is None
