"""RFC 3339 timestamps at any precision and at the ends of the calendar; keyset pages over
nullable sort keys; cursors that were tampered with. On every backend."""
from __future__ import annotations

import base64
import json

import pytest

from api.domain.cursors import decode_cursor, encode_cursor

LIST_FILTERS = [("/v1/claims", f) for f in ("created_after", "created_before", "updated_after", "updated_before")] + [
    ("/v1/sources", "created_after"), ("/v1/people", "updated_before"), ("/v1/events", "created_after"),
    ("/v1/events", "starts_after"), ("/v1/events", "starts_before"), ("/v1/audit", "after"), ("/v1/audit", "before"),
]


@pytest.mark.parametrize("url, name", LIST_FILTERS)
def test_nanosecond_fractions_are_accepted_on_every_timestamp_filter(api, url, name):
    response = api.get(f"{url}?{name}=2025-01-01T00:00:00.123456789Z", role="admin")
    assert response.status_code == 200, response.json


@pytest.mark.parametrize("url, name", LIST_FILTERS)
@pytest.mark.parametrize("edge", ["0001-01-01T00:00:00%2B01:00", "9999-12-31T23:59:59-01:00"])
def test_timestamps_beyond_the_calendar_in_utc_are_422_on_every_filter(api, url, name, edge):
    response = api.get(f"{url}?{name}={edge}", role="admin")
    assert response.status_code == 422 and name in response.json["errors"]


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_event_times_beyond_the_calendar_are_422(api, field):
    response = api.post("/v1/events", json={"name": "Edge", field: "0001-01-01T00:00:00+01:00"})
    assert response.status_code == 422 and field in response.json["errors"]


def test_source_publication_time_beyond_the_calendar_is_422(api):
    response = api.post("/v1/sources", json={"kind": "article", "title": "t", "text": "Text.",
                                             "published_at": "9999-12-31T23:59:59-01:00"})
    assert response.status_code == 422 and "published_at" in response.json["errors"]


def test_a_fraction_is_truncated_to_microseconds_not_rounded(api):
    api.post("/v1/sources", json={"kind": "article", "title": "t", "text": "Some text."})
    created = api.get("/v1/sources").json["data"][0]["created_at"]
    # created_at has milliseconds on the wire; nine more digits after them still compare.
    assert api.get(f"/v1/sources?created_before={created[:-1]}999999999Z").json["data"] != []


def test_a_source_publication_time_keeps_its_offset_and_local_date(api):
    response = api.post("/v1/sources", json={"kind": "article", "title": "t", "text": "Evening news.",
                                             "published_at": "2025-08-15T19:30:00-07:00"})
    assert response.status_code == 201
    assert response.json["published_at"] == "2025-08-15T19:30:00.000-07:00"


# ---- keyset pagination over a nullable sort key ------------------------------------------

STARTS = [None, "2025-03-01", None, "2025-01-15", None, "2025-03-01"]


@pytest.fixture
def events(api) -> list[dict]:
    return [api.post("/v1/events", json={"name": f"Event {i}", "starts_at": s}).json for i, s in enumerate(STARTS)]


def _walk(api, sort: str, limit: int) -> list[str]:
    seen, url = [], f"/v1/events?sort={sort}&limit={limit}"
    for _ in range(20):
        page = api.get(url).json
        seen += [e["id"] for e in page["data"]]
        if page["next_cursor"] is None:
            return seen
        url = f"/v1/events?sort={sort}&limit={limit}&cursor={page['next_cursor']}"
    raise AssertionError("no last page")


@pytest.mark.parametrize("limit", [1, 2, 4])
def test_every_row_comes_exactly_once_ascending_with_nulls_last(api, events, limit):
    ids = [e["id"] for e in events]
    expected = [ids[3], ids[1], ids[5], ids[0], ids[2], ids[4]]  # dates, ties by id, then NULLs by id
    assert _walk(api, "starts_at", limit) == expected


@pytest.mark.parametrize("limit", [1, 3])
def test_every_row_comes_exactly_once_descending_with_nulls_first(api, events, limit):
    ids = [e["id"] for e in events]
    expected = [ids[4], ids[2], ids[0], ids[5], ids[1], ids[3]]
    assert _walk(api, "-starts_at", limit) == expected


# ---- tampered cursors -----------------------------------------------------------------------

def _forge(*parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


@pytest.mark.parametrize("url, cursor", [
    ("/v1/claims?sort=created_at", _forge("created_at", "2025-01-01T00:00:00.000000", 2**63)),
    ("/v1/claims?sort=created_at", _forge("created_at", 12345, 1)),
    ("/v1/claims?sort=created_at", _forge("created_at", None, 1)),
    ("/v1/claims?sort=created_at", _forge("created_at", "2025-01-01T00:00:00.000000", -1)),
    ("/v1/claims?sort=created_at", _forge("created_at", "2025-01-01T00:00:00.000000", True)),
    ("/v1/events?sort=starts_at", _forge("starts_at", 7, 1)),
    ("/v1/events?sort=starts_at", _forge("starts_at", ["2025"], 1)),
    ("/v1/people?sort=-updated_at", _forge("-updated_at", "yesterday", 1)),
    ("/v1/claims?sort=created_at", "!!!not-base64"),
])
def test_a_tampered_cursor_is_422_invalid_cursor(api, url, cursor):
    response = api.get(f"{url}&cursor={cursor}")
    assert response.status_code == 422
    assert response.json["type"] == "/problems/invalid-cursor" and "cursor" in response.json["errors"]


def test_a_cursor_round_trips_the_largest_key():
    assert decode_cursor(encode_cursor("created_at", None, 2**63 - 1), "created_at") == (None, 2**63 - 1)
