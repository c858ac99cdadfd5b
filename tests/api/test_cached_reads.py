"""Cached reads answered before Flask (api.cached_reads): the same bytes, headers included, as
Flask's path answers for the same request, and everything the fast path is not sure about
answered by Flask as before (revoked key, deleted claim, a change, CORS, rate limits)."""
from __future__ import annotations

import pytest
from flask import request_started
from werkzeug.test import Client

from api.app import create_app
from api.cached_reads import CACHED_READS
from api.config import Config
from tests.support import missing_id


class Paths:
    """The same request through the app (the fast path first) and through Flask's path alone;
    `flask_answered` counts the requests Flask dispatched."""

    def __init__(self, app):
        self.app = app
        self.fast = app.test_client()
        self.flask = Client(app.extensions[CACHED_READS].flask_path, response_wrapper=app.response_class)
        self.flask_answered = 0

    def _count(self, sender, **extra):
        self.flask_answered += 1

    def both(self, url, headers):
        """(the answer through the app, whether Flask dispatched it; Flask's own answer)."""
        before = self.flask_answered
        with request_started.connected_to(self._count, self.app):
            fast = self.fast.get(url, headers=headers)
            by_flask = self.flask_answered > before
            slow = self.flask.get(url, headers=headers)
        return fast, by_flask, slow


def same(fast, slow) -> bool:
    return (fast.status, list(fast.headers.items()), fast.get_data()) == \
        (slow.status, list(slow.headers.items()), slow.get_data())


def _claim(api, samples) -> dict:
    response = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"],
                                                              "exact": "We had an extremely productive meeting"}],
                                            "tags": ["trade"]})
    assert response.status_code == 201
    return response.json


def _key(api, role="reader") -> tuple[dict, dict]:
    created = api.post("/v1/keys", json={"name": "desk", "role": role}, role="admin").json
    return created, {"Authorization": f"Bearer {created['key']}"}


@pytest.fixture
def paths(app):
    return Paths(app)


@pytest.fixture
def reads(api, samples):
    claim = _claim(api, samples)
    return {"claim": f"/v1/claims/{claim['id']}", "annotations": f"/v1/sources/{samples['001']['id']}/annotations"}


@pytest.fixture
def pages(api, samples):
    """Three claims (two tagged "trade"): enough for pages of one or two with a next cursor."""
    for text in ("We had an extremely productive meeting", "productive meeting", "extremely productive"):
        response = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": text}],
                                                "tags": ["trade"] if text != "productive meeting" else []})
        assert response.status_code == 201
    first = api.get("/v1/claims?limit=1").json
    return {"all": "/v1/claims", "tagged": "/v1/claims?tag=trade&limit=1",
            "second": f"/v1/claims?limit=1&cursor={first['next_cursor']}", "sorted": "/v1/claims?sort=-updated_at&limit=2"}


@pytest.mark.parametrize("read", ["claim", "annotations", "page:all", "page:tagged", "page:second", "page:sorted"])
def test_a_cached_read_is_answered_before_flask_with_flasks_bytes_and_headers(api, paths, request, read):
    _, page = read.split(":") if ":" in read else (read, None)
    url = request.getfixturevalue("pages")[page] if page else request.getfixturevalue("reads")[read]
    _, auth = _key(api)
    first, by_flask, _ = paths.both(url, auth)  # proves the key and stores the representation
    assert first.status_code == 200 and by_flask
    fast, by_flask, slow = paths.both(url, auth)
    assert fast.status_code == 200 and not by_flask
    assert same(fast, slow) and fast.get_data() == first.get_data()
    assert fast.headers["Cache-Control"] == "private, no-cache" and fast.headers["X-Frame-Options"] == "DENY"
    assert not page or ("Link" in fast.headers) == (fast.json["next_cursor"] is not None)


def test_a_current_etag_is_304_before_flask_as_from_flask(api, paths, reads):
    _, auth = _key(api)
    etag = paths.both(reads["claim"], auth)[0].headers["ETag"]
    fast, by_flask, slow = paths.both(reads["claim"], {**auth, "If-None-Match": etag})
    assert (fast.status_code, by_flask) == (304, False) and same(fast, slow)
    stale, by_flask, slow = paths.both(reads["claim"], {**auth, "If-None-Match": '"clm_x.v0", W/"other"'})
    assert (stale.status_code, by_flask) == (200, False) and same(stale, slow)
    malformed, by_flask, slow = paths.both(reads["claim"], {**auth, "If-None-Match": "clm_x.v0"})
    assert (malformed.status_code, by_flask) == (400, True) and same(malformed, slow)


@pytest.mark.parametrize("read", ["claim", "annotations"])
def test_a_key_revoked_after_the_fast_path_served_it_is_401_on_its_next_request(api, paths, reads, read):
    created, auth = _key(api)
    assert [paths.both(reads[read], auth)[0].status_code for _ in range(2)] == [200, 200]
    assert api.delete(f"/v1/keys/{created['id']}", role="admin").status_code == 204
    fast, by_flask, slow = paths.both(reads[read], auth)
    assert (fast.status_code, by_flask) == (401, True) and same(fast, slow)


def test_a_deleted_claim_is_404_and_a_change_is_read_on_the_next_request(api, paths, reads):
    _, auth = _key(api)
    paths.both(reads["claim"], auth)
    assert api.patch(reads["claim"], json={"text": "An edited text"}).status_code == 200
    changed, by_flask, slow = paths.both(reads["claim"], auth)  # a new version: Flask builds it
    assert (changed.status_code, changed.json["text"], by_flask) == (200, "An edited text", True)
    again, by_flask, slow = paths.both(reads["claim"], auth)
    assert (again.json["text"], by_flask) == ("An edited text", False) and same(again, slow)
    annotations = paths.both(reads["annotations"], auth)[0].json["data"]
    assert [a["entity"]["text"] for a in annotations if a["kind"] == "claim"] == ["An edited text"]
    assert api.delete(reads["claim"], role="admin").status_code == 204
    gone, by_flask, slow = paths.both(reads["claim"], auth)
    assert (gone.status_code, by_flask) == (404, True) and same(gone, slow)
    annotations, by_flask, slow = paths.both(reads["annotations"], auth)
    assert [a for a in annotations.json["data"] if a["kind"] == "claim"] == [] and same(annotations, slow)


@pytest.mark.parametrize("variant", [
    lambda url, auth: (url + "?offsets=utf16", auth),
    lambda url, auth: (url, {**auth, "Authorization": auth["Authorization"] + "x"}),
    lambda url, auth: (url, {}),
    lambda url, auth: (url, {**auth, "Origin": "https://elsewhere.example"}),
], ids=["query-string", "unknown-key", "no-key", "origin-without-cors"])
def test_what_the_fast_path_is_not_sure_of_goes_to_flask(api, paths, reads, variant):
    _, auth = _key(api)
    paths.both(reads["claim"], auth)
    url, headers = variant(reads["claim"], auth)
    fast, by_flask, slow = paths.both(url, headers)
    assert by_flask and same(fast, slow)


def test_a_key_of_a_higher_role_than_reader_is_served_before_flask_too(api, paths, reads):
    _, auth = _key(api, role="admin")
    paths.both(reads["claim"], auth)
    fast, by_flask, slow = paths.both(reads["claim"], auth)
    assert (fast.status_code, by_flask) == (200, False) and same(fast, slow)


@pytest.mark.parametrize("read", ["claim", "page"])
def test_cors_headers_for_an_allowed_origin_are_flasks_and_another_origin_or_host_goes_to_flask(
        migrated_app, database_url, api, reads, pages, read):
    paths = Paths(create_app(Config(database_url=database_url, cors_origins=("https://desk.example",))))
    url = reads["claim"] if read == "claim" else pages["tagged"]
    _, auth = _key(api)
    allowed = {**auth, "Origin": "https://desk.example"}
    paths.both(url, allowed)
    fast, by_flask, slow = paths.both(url, allowed)
    assert (fast.status_code, by_flask) == (200, False) and same(fast, slow)
    assert fast.headers["Access-Control-Allow-Origin"] == "https://desk.example"
    assert read == "claim" or fast.headers["Link"].startswith("<http://localhost/v1/claims?tag=trade&limit=1&cursor=")
    other, by_flask, slow = paths.both(url, {**auth, "Origin": "https://evil.example"})
    assert by_flask and same(other, slow) and "Access-Control-Allow-Origin" not in other.headers
    plain, by_flask, slow = paths.both(url, auth)
    assert not by_flask and same(plain, slow)
    forged, by_flask, slow = paths.both(url, {**auth, "Host": "evil.example"})
    assert (forged.status_code, by_flask) == (400, True) and same(forged, slow)


def test_a_request_counts_once_against_its_key_whichever_path_answers(migrated_app, database_url, api, reads):
    client = create_app(Config(database_url=database_url, rate_limit_per_minute=3)).test_client()
    _, auth = _key(api)
    # Flask proves the key and stores the claim; the fast path serves it; the fast path counts the
    # missing claim and Flask answers its 404 without counting it again; the fourth is one too many.
    urls = (reads["claim"], reads["claim"], f"/v1/claims/{missing_id('claim')}", reads["claim"])
    assert [client.get(url, headers=auth).status_code for url in urls] == [200, 200, 404, 429]


# ---------------------------------------------------------------------------------- list pages

def test_a_page_read_by_another_key_is_the_same_stored_page(api, paths, pages):
    _, auth = _key(api)
    _, other = _key(api, role="checker")
    paths.both(pages["tagged"], auth)
    paths.both(pages["tagged"], other)  # Flask proves this key: the page is stored already
    fast, by_flask, slow = paths.both(pages["tagged"], other)
    assert (fast.status_code, by_flask) == (200, False) and same(fast, slow)


@pytest.mark.parametrize("query", [
    "?limit=0", "?stauts=corroborated", "?status=maybe", "?cursor=not-a-cursor", "?tag=%00trade",
    "?cursor=%ED%A0%80",
], ids=["bad-limit", "unknown-parameter", "bad-status", "bad-cursor", "nul", "lone-surrogate"])
def test_a_query_flask_refuses_is_refused_by_flask(api, paths, pages, query):
    _, auth = _key(api)
    paths.both(pages["all"], auth)
    fast, by_flask, slow = paths.both(f"/v1/claims{query}", auth)
    assert by_flask and same(fast, slow) and fast.status_code in (400, 422)
    assert fast.headers["Content-Type"] == "application/problem+json"


def test_a_repeated_parameter_reads_as_flask_reads_it(api, paths, pages):
    _, auth = _key(api)
    paths.both("/v1/claims?limit=1&limit=2", auth)
    fast, by_flask, slow = paths.both("/v1/claims?limit=1&limit=2", auth)
    assert (fast.status_code, by_flask, len(fast.json["data"])) == (200, False, 1) and same(fast, slow)
    assert "limit=1&limit=2&cursor=" in fast.headers["Link"]


def test_a_spreadsheet_and_an_unknown_key_go_to_flask_and_if_none_match_changes_nothing(api, paths, pages):
    _, auth = _key(api)
    paths.both(pages["all"], auth)
    # Streamed: each answer read to its end before the next request.
    csv = [client.get(pages["all"], headers={**auth, "Accept": "text/csv"}, buffered=True)
           for client in (paths.fast, paths.flask)]
    assert csv[0].mimetype == "text/csv" and same(*csv) and csv[0].get_data().count(b"\n") == 4
    unknown, by_flask, slow = paths.both(pages["all"], {"Authorization": auth["Authorization"] + "x"})
    assert (unknown.status_code, by_flask) == (401, True) and same(unknown, slow)
    json_first, by_flask, slow = paths.both(pages["all"], {**auth, "Accept": "application/json, text/csv;q=0.5",
                                                           "If-None-Match": '"anything"'})
    assert (json_first.status_code, by_flask) == (200, False) and same(json_first, slow)


def test_a_change_to_an_item_is_on_the_next_page_read_and_a_revoked_key_is_401(api, paths, pages):
    created, auth = _key(api)
    before = paths.both(pages["all"], auth)[0].json["data"]
    claim = f"/v1/claims/{before[0]['id']}"
    assert api.patch(claim, json={"text": "An edited text"}).status_code == 200
    changed, by_flask, _ = paths.both(pages["all"], auth)  # new rows: Flask builds the page again
    assert by_flask and changed.json["data"][0]["text"] == "An edited text"
    again, by_flask, slow = paths.both(pages["all"], auth)
    assert (again.json["data"][0]["text"], by_flask) == ("An edited text", False) and same(again, slow)
    assert api.delete(claim, role="admin").status_code == 204
    gone, by_flask, slow = paths.both(pages["all"], auth)
    assert len(gone.json["data"]) == len(before) - 1 and by_flask and same(gone, slow)
    assert api.delete(f"/v1/keys/{created['id']}", role="admin").status_code == 204
    revoked, by_flask, slow = paths.both(pages["all"], auth)
    assert (revoked.status_code, by_flask) == (401, True) and same(revoked, slow)


def test_an_empty_page_confirms_the_key_and_is_served_before_flask(api, paths, pages):
    created, auth = _key(api)
    empty = "/v1/claims?tag=nothing-tagged-so"
    assert paths.both(empty, auth)[0].json == {"data": [], "next_cursor": None}
    fast, by_flask, slow = paths.both(empty, auth)
    assert (fast.status_code, by_flask) == (200, False) and same(fast, slow)
    assert api.delete(f"/v1/keys/{created['id']}", role="admin").status_code == 204
    assert paths.both(empty, auth)[0].status_code == 401
