"""Bad input gets a clear 4xx problem+json, never a 500, and never changes what is stored."""
from __future__ import annotations

import json
import re

import pytest

from tests.support import missing_id

PROBLEM = "application/problem+json"


@pytest.fixture
def stored(api, samples):
    """A snapshot function of everything listable, to prove nothing changed."""
    person = api.post("/v1/people", json={"name": "Donald Trump"}).json
    api.post("/v1/claims", json={"claimant": person["id"], "appearances": [
        {"source": samples["001"]["id"], "exact": "We had an extremely productive meeting"}]})

    def snapshot():
        return {kind: api.get(f"/v1/{kind}?limit=200").json["data"] for kind in ("sources", "people", "events", "claims")}
    return snapshot


def assert_problem(response, status):
    assert response.status_code == status, (response.status_code, response.data[:300])
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


WRITES = [
    ("post", "/v1/sources"), ("post", "/v1/people"), ("post", "/v1/events"), ("post", "/v1/claims"),
]


@pytest.mark.parametrize("method,url", WRITES)
def test_malformed_json_is_400(api, stored, method, url):
    before = stored()
    response = api.request(method.upper(), url, data=b'{"name": "x",', content_type="application/json")
    assert_problem(response, 400)
    assert stored() == before


@pytest.mark.parametrize("method,url", WRITES)
def test_a_body_that_is_not_json_is_415(api, method, url):
    response = api.request(method.upper(), url, data="name=x", content_type="application/x-www-form-urlencoded")
    assert_problem(response, 415)


@pytest.mark.parametrize("method,url", WRITES)
def test_unknown_fields_are_422_naming_the_field(api, stored, method, url):
    before = stored()
    body = assert_problem(api.request(method.upper(), url, json={"name": "x", "text": "y", "evil_field": 1}), 422)
    assert "evil_field" in body["errors"]
    assert stored() == before


@pytest.mark.parametrize("body", [[], "a string", 42, None, {"appearances": "not a list"},
                                  {"appearances": [{"source": 5, "start": "0", "end": 1.5}]},
                                  {"appearances": [{"source": missing_id("source"), "exact": ""}]},
                                  {"text": 7, "appearances": [{"source": missing_id("source"), "exact": "x"}]},
                                  {"checkworthiness": 2, "appearances": [{"source": missing_id("source"), "exact": "x"}]},
                                  {"checkworthiness": "NaN", "appearances": [{"source": missing_id("source"), "exact": "x"}]}])
def test_wrong_types_and_shapes_are_422(api, stored, body):
    before = stored()
    response = api.post("/v1/claims", data=json.dumps(body), content_type="application/json")
    assert_problem(response, 422)
    assert stored() == before


def test_a_body_over_the_limit_is_413(api, stored):
    before = stored()
    response = api.post("/v1/sources", json={"text": "x" * (2 * 1024 * 1024 + 10)})
    assert_problem(response, 413)
    assert stored() == before


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=abc", "limit=-1", "sort=text", "cursor=garbage",
                                   "cursor=eyJ4Ijox", "status=maybe", "claimant=per_nope", "created_after=yesterday",
                                   "offsets=utf8", "unknown_filter=1"])
def test_invalid_list_parameters_are_422(api, stored, query):
    body = assert_problem(api.get(f"/v1/claims?{query}"), 422)
    assert body["errors"]


def test_a_cursor_from_another_sort_is_422(api, stored):
    api.post("/v1/claims", json={"appearances": [{"source": stored()["sources"][0]["id"], "start": 0, "end": 5}]})
    cursor = api.get("/v1/claims?limit=1").json["next_cursor"]
    assert cursor
    assert_problem(api.get(f"/v1/claims?limit=1&sort=-created_at&cursor={cursor}"), 422)


@pytest.mark.parametrize("value", ["' OR 1=1 --", "\"; DROP TABLE claim; --", "%", "_", "\\", "*", "NEAR(", "a:b",
                                   "\u0000", "🗳️", "e\u0301"])
def test_sql_and_fts_metacharacters_in_filters_are_harmless(api, stored, value):
    before = stored()
    # U+0000 can be neither stored nor searched for (422, naming the parameter); the rest are plain text.
    expected = 422 if value == "\u0000" else 200
    for url in ("/v1/claims", "/v1/sources", "/v1/people"):
        response = api.get(url, query_string={"q": value})
        assert response.status_code == expected, (url, value, response.json)
        if expected == 200 and not re.search(r"[^\W_]", value):
            assert response.json["data"] == []  # no word to search for: nothing, not everything
    assert api.get("/v1/people", query_string={"name": value}).status_code == expected
    # A tag filter holds a tag (README: a letter or digit first, no separators): only these two are tags.
    tag_expected = 200 if value in ("a:b", "e\u0301") else 422
    assert api.get("/v1/claims", query_string={"tag": value}).status_code == tag_expected
    assert stored() == before


def test_unknown_routes_are_404_and_wrong_methods_405_problems(api):
    assert_problem(api.get("/v1/nothing-here"), 404)
    body = assert_problem(api.request("PUT", "/v1/claims"), 405)
    assert body["detail"]


def test_an_if_match_that_is_not_an_etag_is_400(api, samples):
    response = api.patch(f"/v1/sources/{samples['001']['id']}", json={"title": "x"}, headers={"If-Match": "not-an-etag"})
    assert_problem(response, 400)
    assert api.get(f"/v1/sources/{samples['001']['id']}").json["title"] != "x"


def test_a_lone_surrogate_in_a_quote_is_a_4xx_not_a_500(api, samples):
    body = {"appearances": [{"source": samples["001"]["id"], "exact": "Trump \udc00"}]}
    response = api.post("/v1/claims", data=json.dumps(body), content_type="application/json")
    assert_problem(response, 422)


def test_a_reference_to_a_missing_resource_is_422_not_500(api, stored):
    before = stored()
    body = assert_problem(api.post("/v1/claims", json={"claimant": missing_id("person"), "appearances": [
        {"source": stored()["sources"][0]["id"], "start": 0, "end": 4}]}), 422)
    assert "claimant" in body["errors"]
    body = assert_problem(api.post("/v1/claims", json={"appearances": [{"source": missing_id("source"), "exact": "x"}]}), 422)
    assert "appearances.0.source" in body["errors"]
    assert stored() == before


def test_a_value_longer_than_its_column_is_422_on_every_database(api):
    response = api.post("/v1/sources", json={"text": "x y z", "language": "en-" + "-".join(["abcdefgh"] * 6)})
    assert_problem(response, 422)
    assert "language" in response.json["errors"]


def test_a_json_body_that_is_not_utf8_is_a_malformed_json_problem(api):
    response = api.post("/v1/people", data=b'{"name": "\xff\xfe"}', content_type="application/json")
    body = assert_problem(response, 400)
    assert body["type"] == "/problems/malformed-json"
