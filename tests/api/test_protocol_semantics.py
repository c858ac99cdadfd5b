"""HTTP semantics: strong If-Match, weak If-None-Match, Idempotency-Key compared on the parsed
request (RFC 9110 §13.1; draft-ietf-httpapi-idempotency-key-header)."""
from __future__ import annotations

import json

import pytest

from api.idempotency import fingerprint


def _source(api, text="The river rose by two metres overnight, officials said.") -> dict:
    response = api.post("/v1/sources", json={"kind": "article", "title": "Flood", "text": text})
    assert response.status_code == 201
    return response.json


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_if_match_with_a_weak_tag_is_412_even_when_the_opaque_part_matches(api, method):
    source = _source(api)
    etag = api.get(f"/v1/sources/{source['id']}").headers["ETag"]
    kwargs = {"json": {"title": "Changed"}} if method == "PATCH" else {}
    response = api.request(method, f"/v1/sources/{source['id']}", role="admin",
                           headers={"If-Match": f"W/{etag}"}, **kwargs)
    assert response.status_code == 412
    assert api.get(f"/v1/sources/{source['id']}").json["title"] == "Flood"


def test_if_match_with_the_strong_tag_in_a_list_succeeds(api):
    source = _source(api)
    etag = api.get(f"/v1/sources/{source['id']}").headers["ETag"]
    response = api.patch(f"/v1/sources/{source['id']}", json={"title": "Changed"},
                         headers={"If-Match": f'"other.v9", {etag}'})
    assert response.status_code == 200 and response.json["title"] == "Changed"


def test_if_none_match_keeps_the_weak_comparison(api):
    source = _source(api)
    etag = api.get(f"/v1/sources/{source['id']}").headers["ETag"]
    assert api.get(f"/v1/sources/{source['id']}", headers={"If-None-Match": f"W/{etag}"}).status_code == 304


def test_a_retry_differing_only_in_key_order_and_whitespace_replays(api):
    first_body = {"kind": "article", "title": "Drought", "text": "Reservoirs fell to 31 percent in July."}
    retry_bytes = json.dumps(dict(reversed(list(first_body.items()))), indent=4).encode()
    headers = {"Idempotency-Key": "drought-1"}
    first = api.post("/v1/sources", json=first_body, headers=headers)
    retry = api.post("/v1/sources", data=retry_bytes, content_type="application/json", headers=headers)
    assert first.status_code == 201 and retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true" and retry.json["id"] == first.json["id"]
    assert len(api.get("/v1/sources").json["data"]) == 1


def test_a_retry_with_another_value_is_still_a_different_request(api):
    headers = {"Idempotency-Key": "drought-2"}
    api.post("/v1/sources", json={"kind": "article", "title": "A", "text": "Rain fell on 3 May."}, headers=headers)
    other = api.post("/v1/sources", json={"kind": "article", "title": "A", "text": "Rain fell on 4 May."}, headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]


def test_fingerprint_ignores_json_formatting_and_query_order_but_not_values():
    a = fingerprint("POST", "/v1/claims", [("offsets", "utf16"), ("x", "1")], b'{"a": 1, "b": [1, 2]}')
    b = fingerprint("POST", "/v1/claims", [("x", "1"), ("offsets", "utf16")], b'{\n "b":[1,2],"a":1}')
    assert a == b
    assert a != fingerprint("POST", "/v1/claims", [("offsets", "utf16"), ("x", "1")], b'{"a": 1, "b": [2, 1]}')
    assert a != fingerprint("POST", "/v1/claims", [("offsets", "codepoints"), ("x", "1")], b'{"a": 1, "b": [1, 2]}')
    assert fingerprint("POST", "/p", [], b"not json") != fingerprint("POST", "/p", [], b"not  json")
