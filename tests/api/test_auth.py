"""API keys: 401 without a valid key, 403 for a role too low, revocation is immediate."""
from __future__ import annotations

import pytest

from api.db import database
from api.models import ApiKey


def test_requests_without_a_key_are_401_problems_with_www_authenticate(api):
    response = api.get("/v1/claims", role=None)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    forbidden = api.delete("/v1/claims/clm_k6h8gtxn", role="reader")
    assert forbidden.status_code == 403 and "insufficient_scope" in forbidden.headers["WWW-Authenticate"]


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer ctk_nope_nope",
                                    "Bearer ctk_k6h8gtxn_" + "0" * 48, "Token abc"])
def test_malformed_or_unknown_keys_are_401(api, header):
    assert api.get("/v1/claims", role=None, headers={"Authorization": header}).status_code == 401


def test_roles_reader_checker_admin_each_allow_more(api, samples):
    source_id = samples["001"]["id"]
    assert api.get("/v1/claims", role="reader").status_code == 200
    assert api.post("/v1/people", json={"name": "X"}, role="reader").status_code == 403
    assert api.post("/v1/people", json={"name": "X"}, role="checker").status_code == 201
    assert api.delete(f"/v1/sources/{source_id}", role="checker").status_code == 403
    assert api.get("/v1/keys", role="checker").status_code == 403
    assert api.get("/v1/keys", role="admin").status_code == 200


def test_keys_are_stored_only_as_hashes_and_listed_without_secrets(api, tokens):
    with database.connection_context():
        stored = [k.secret_hash for k in ApiKey.select()]
    assert all(len(h) == 64 for h in stored)
    assert not any(token in h or h in token for token in tokens.values() for h in stored)
    listed = api.get("/v1/keys", role="admin").json
    assert {k["role"] for k in listed} == {"reader", "checker", "admin"}
    assert all("key" not in k and "secret_hash" not in k for k in listed)


def test_a_key_created_through_the_api_works_once_shown_and_stops_when_revoked(api):
    created = api.post("/v1/keys", json={"name": "desk", "role": "reader"}, role="admin")
    assert created.status_code == 201
    token = created.json["key"]
    assert len(token.split("_")[2]) == 48  # 192 random bits
    auth = {"Authorization": f"Bearer {token}"}
    assert api.get("/v1/claims", role=None, headers=auth).status_code == 200
    assert api.delete(f"/v1/keys/{created.json['id']}", role="admin").status_code == 204
    assert api.get("/v1/claims", role=None, headers=auth).status_code == 401


def test_health_and_openapi_are_open_without_a_key(api):
    for url in ("/healthz", "/readyz", "/openapi.json", "/openapi.yaml"):
        assert api.get(url, role=None).status_code == 200, url


def _limited_client(database_url, **limits):
    from api.app import create_app
    from api.config import Config
    return create_app(Config(database_url=database_url, **limits)).test_client()


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(migrated_app, database_url, tokens):
    client = _limited_client(database_url, rate_limit_per_minute=3, auth_failures_per_minute=0)
    headers = {"Authorization": f"Bearer {tokens['reader']}"}
    statuses = [client.get("/v1/claims", headers=headers).status_code for _ in range(3)]
    limited = client.get("/v1/claims", headers=headers)
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"
    assert limited.json["type"] == "/problems/rate-limited" and "3 per 1 minute" in limited.json["detail"]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    other = client.get("/v1/claims", headers={"Authorization": f"Bearer {tokens['checker']}"})
    assert other.status_code == 200
    assert client.get("/healthz").status_code == 200  # open endpoints are not limited


def test_failed_authentications_are_limited_per_client_address(migrated_app, database_url, tokens):
    client = _limited_client(database_url, rate_limit_per_minute=0, auth_failures_per_minute=3)
    bad = {"Authorization": "Bearer ctk_guess_000"}
    statuses = [client.get("/v1/claims", headers=bad).status_code for _ in range(3)]
    refused = client.get("/v1/claims", headers={"Authorization": f"Bearer {tokens['reader']}"})
    assert statuses == [401, 401, 401]
    assert refused.status_code == 429 and "failed authentications from this address" in refused.json["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    elsewhere = client.get("/v1/claims", headers={"Authorization": f"Bearer {tokens['reader']}"},
                           environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 200
