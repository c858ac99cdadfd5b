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
