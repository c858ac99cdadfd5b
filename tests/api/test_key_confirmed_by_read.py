"""Reads that confirm the caller's API key in their own first statement (api.auth,
key_confirmed_by_read): a claim, a page of claims, a source's annotations. A key this process
proved before costs no read of its own there, yet a revoked key fails on its very next request."""
from __future__ import annotations

import pytest


def _claim(api, samples) -> dict:
    response = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"],
                                                              "exact": "We had an extremely productive meeting"}]})
    assert response.status_code == 201
    return response.json


def _fresh_key(api) -> str:
    created = api.post("/v1/keys", json={"name": "desk", "role": "reader"}, role="admin")
    assert created.status_code == 201
    return created.json


def _reads(samples, claim) -> list[str]:
    return [f"/v1/claims/{claim['id']}", "/v1/claims?limit=5", f"/v1/sources/{samples['001']['id']}/annotations"]


@pytest.mark.parametrize("read", range(3), ids=["claim", "page of claims", "annotations"])
def test_a_cached_read_with_a_proved_key_is_one_statement(api, samples, count_queries, read):
    url = _reads(samples, _claim(api, samples))[read]
    assert api.get(url, role="reader").status_code == 200  # proves the key and caches the answer
    count_queries.queries.clear()
    assert api.get(url, role="reader").status_code == 200
    assert len(count_queries.queries) == 1, count_queries.queries


@pytest.mark.parametrize("read", range(3), ids=["claim", "page of claims", "annotations"])
def test_a_key_revoked_after_it_was_proved_fails_on_its_next_read(api, samples, read):
    url = _reads(samples, _claim(api, samples))[read]
    key = _fresh_key(api)
    auth = {"Authorization": f"Bearer {key['key']}"}
    assert [api.get(url, role=None, headers=auth).status_code for _ in range(2)] == [200, 200]
    assert api.delete(f"/v1/keys/{key['id']}", role="admin").status_code == 204
    refused = api.get(url, role=None, headers=auth)
    assert (refused.status_code, refused.headers["WWW-Authenticate"][:6]) == (401, "Bearer")


def test_a_revoked_key_is_401_not_404_for_a_claim_that_does_not_exist(api, samples):
    claim = _claim(api, samples)
    key = _fresh_key(api)
    auth = {"Authorization": f"Bearer {key['key']}"}
    assert api.get(f"/v1/claims/{claim['id']}", role=None, headers=auth).status_code == 200
    assert api.delete(f"/v1/claims/{claim['id']}", role="admin").status_code == 204
    assert api.get(f"/v1/claims/{claim['id']}", role=None, headers=auth).status_code == 404
    assert api.delete(f"/v1/keys/{key['id']}", role="admin").status_code == 204
    assert api.get(f"/v1/claims/{claim['id']}", role=None, headers=auth).status_code == 401


def test_a_revoked_key_is_401_not_422_when_the_query_is_invalid(api, samples):
    """The view fails before its read: the key is confirmed before the answer leaves."""
    key = _fresh_key(api)
    auth = {"Authorization": f"Bearer {key['key']}"}
    assert api.get("/v1/claims", role=None, headers=auth).status_code == 200
    assert api.get("/v1/claims?stauts=x", role=None, headers=auth).status_code == 422
    assert api.delete(f"/v1/keys/{key['id']}", role="admin").status_code == 204
    assert api.get("/v1/claims?stauts=x", role=None, headers=auth).status_code == 401


def test_a_revoked_key_is_401_for_an_empty_page(api, samples):
    key = _fresh_key(api)
    auth = {"Authorization": f"Bearer {key['key']}"}
    assert api.get("/v1/claims?status=contradicted", role=None, headers=auth).json["data"] == []
    assert api.delete(f"/v1/keys/{key['id']}", role="admin").status_code == 204
    assert api.get("/v1/claims?status=contradicted", role=None, headers=auth).status_code == 401


def test_a_revoked_key_is_401_for_a_csv_export_of_the_list(api, samples):
    _claim(api, samples)
    key = _fresh_key(api)
    auth = {"Authorization": f"Bearer {key['key']}", "Accept": "text/csv"}
    assert api.get("/v1/claims", role=None, headers=auth).status_code == 200
    assert api.delete(f"/v1/keys/{key['id']}", role="admin").status_code == 204
    assert api.get("/v1/claims", role=None, headers=auth).status_code == 401


def _checker(api) -> tuple[dict, dict]:
    created = api.post("/v1/keys", json={"name": "desk", "role": "checker"}, role="admin").json
    return created, {"Authorization": f"Bearer {created['key']}"}


VERDICT = {"rating": "unverifiable", "rationale": "No record."}


def test_posting_a_verdict_reads_the_key_and_the_webhook_endpoints_in_the_claims_lock(api, samples, count_queries):
    claim = _claim(api, samples)
    _, auth = _checker(api)
    assert api.post(f"/v1/claims/{claim['id']}/verdicts", role=None, headers=auth, json=VERDICT).status_code == 201
    count_queries.queries.clear()
    assert api.post(f"/v1/claims/{claim['id']}/verdicts", role=None, headers=auth, json=VERDICT).status_code == 201
    reading = [q for q in count_queries.queries if '"api_key"' in q or '"webhook_endpoint"' in q]
    assert len(reading) == 1 and 'FROM "claim"' in reading[0], count_queries.queries


def _revoked_after_a_verdict(api, samples) -> tuple[dict, str, dict]:
    """(a claim, its verdicts' URL, the auth of a checker key that posted one there and was then revoked)."""
    claim = _claim(api, samples)
    key, auth = _checker(api)
    url = f"/v1/claims/{claim['id']}/verdicts"
    assert api.post(url, role=None, headers=auth, json=VERDICT).status_code == 201
    assert api.delete(f"/v1/keys/{key['id']}", role="admin").status_code == 204
    return claim, url, auth


def test_a_key_revoked_after_it_was_proved_cannot_post_a_verdict(api, samples):
    claim, url, auth = _revoked_after_a_verdict(api, samples)
    refused = api.post(url, role=None, headers=auth, json={**VERDICT, "rating": "contradicted", "evidence": [
        {"stance": "refutes", "url": "https://example.org/a", "quote": "It did not happen."}]})
    assert (refused.status_code, refused.headers["WWW-Authenticate"][:6]) == (401, "Bearer")
    assert api.get(f"/v1/claims/{claim['id']}", role="reader").json["status"] == "unverifiable"


def test_a_revoked_key_reserves_no_idempotency_key(api, samples, count_queries):
    """Not even for a moment (a concurrent retry would wait for it): refused before the reservation."""
    _, url, auth = _revoked_after_a_verdict(api, samples)
    count_queries.queries.clear()
    refused = api.post(url, role=None, headers={**auth, "Idempotency-Key": "retry-1"}, json=VERDICT)
    assert refused.status_code == 401
    assert not [q for q in count_queries.queries if "idempotent_request" in q], count_queries.queries


@pytest.mark.parametrize("case", ["missing claim", "stale If-Match", "invalid body"])
def test_a_revoked_key_posting_a_verdict_is_401_before_404_412_and_422(api, samples, case):
    claim = _claim(api, samples)
    key, auth = _checker(api)
    url = f"/v1/claims/{claim['id']}/verdicts"
    assert api.post(url, role=None, headers=auth, json=VERDICT).status_code == 201
    if case == "missing claim":
        other = _claim(api, samples)
        url = f"/v1/claims/{other['id']}/verdicts"
        assert api.delete(f"/v1/claims/{other['id']}", role="admin").status_code == 204
    request = {"stale If-Match": {"headers": {**auth, "If-Match": '"clm_x.v0"'}, "json": VERDICT},
               "invalid body": {"headers": auth, "json": {"rating": "nonsense"}}}.get(case, {"headers": auth, "json": VERDICT})
    expected = {"missing claim": 404, "stale If-Match": 412, "invalid body": 422}[case]
    assert api.post(url, role=None, **request).status_code == expected
    assert api.delete(f"/v1/keys/{key['id']}", role="admin").status_code == 204
    assert api.post(url, role=None, **request).status_code == 401
