"""A page of claims through its prepared SQL (claims.LIST_PAGE) gives what peewee gives: the same
SQL text and parameters as the query peewee builds with the values, and the same rows, order and
cursors as paginating claims_query, for every filter shape, on both databases."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from api.db import database
from api.domain.ids import decode_id
from api.models import Claim
from api.domain.cursors import encode_cursor
from api.domain.tags import normalize_tag
from api.pagination import _to_cursor_value, paginate
from api.services.claims import LIST_PAGE, PAGE_COLUMNS, claims_query, list_page, list_page_query, page_values
from api.services.keys import KeyCheck

SORTS = ("created_at", "-created_at", "updated_at", "-updated_at")
# Tags and searches with SQL and LIKE metacharacters, quotes, FTS5 operators and non-ASCII text.
STORED_TAG = "O'Brien & Co_100 Zoë: #x/y'--"
ODD_TAG = "o'brien; drop table claim -- 100%_\\ \"x\" 🗳 zoë"
ODD_Q = "summit\" OR 'x'; -- NEAR(a b) * % _ Zoë 🗳"


def list_claims_page(filters: dict, **paging):
    """list_page's rows converted: the Page the claims view builds its items from."""
    return list_page(filters, **paging).page()


@pytest.fixture
def dataset(api, samples):
    """Ids of a person, an event and the two sources, and 12 claims with different statuses,
    tags, claimants, events and sources."""
    person = api.post("/v1/people", json={"name": "Zoë O'Brien"}).json
    event = api.post("/v1/events", json={"name": "Alaska summit"}).json
    ids = []
    for i in range(12):
        source = samples["001" if i % 3 else "000"]
        text = "Summit claim Zoë" if i % 2 else "Another statement"
        body = {"text": f"{text} {i}", "tags": ["shared", STORED_TAG] if i % 4 == 0 else [f"t{i % 3}"],
                "appearances": [{"source": source["id"], "start": i, "end": i + 5}]}
        if i % 3 == 0:
            body["claimant"] = person["id"]
        if i % 5 == 0:
            body["events"] = [event["id"]]
        claim = api.post("/v1/claims", json=body)
        assert claim.status_code == 201, claim.json
        ids.append(claim.json["id"])
        if i % 4 == 1:
            assert api.post(f"/v1/claims/{claim.json['id']}/verdicts", json={"rating": "unverifiable"}).status_code == 201
    return {"person": decode_id("person", person["id"]), "event": decode_id("event", event["id"]),
            "source": decode_id("source", samples["001"]["id"]),
            "source0": decode_id("source", samples["000"]["id"]), "claims": [decode_id("claim", c) for c in ids]}


def _filter_shapes(d) -> list[dict]:
    middle = Claim.select().order_by(Claim.id).offset(5).first().created_at
    later = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + dt.timedelta(days=1)
    return [
        {}, {"status": "unverifiable"}, {"status": "unreviewed", "origin": "manual"}, {"status": "x'; --"},
        {"claimant": d["person"]}, {"claimant": d["person"] + 1000}, {"claimant": None},
        {"event": d["event"]}, {"source": d["source"]}, {"tag": "shared"}, {"tag": STORED_TAG}, {"tag": ODD_TAG}, {"tag": " Shared "},
        {"tag": "nope"}, {"q": "summit"}, {"q": "zoë"}, {"q": ODD_Q}, {"q": '"summit" * zoë:'}, {"q": "--"}, {"q": "", "tag": ""},
        {"created_after": middle}, {"created_before": middle, "status": "unreviewed"}, {"updated_after": later},
        {"updated_before": later, "updated_after": middle, "source": d["source"], "tag": "t1", "q": "claim"},
        {"claimant": d["person"], "event": d["event"], "source": d["source0"], "status": "unreviewed",
         "origin": "manual", "tag": "shared", "q": "statement", "created_after": middle - dt.timedelta(days=1)},
    ]


def _peewee_page(filters: dict, *, sort: str, cursor: str | None, limit: int):
    """The page as peewee renders it on every call (the list page before LIST_PAGE)."""
    name = sort.lstrip("-")
    names = PAGE_COLUMNS + ((name,) if name not in PAGE_COLUMNS else ())
    query = claims_query(filters, *(getattr(Claim, n) for n in names))
    return paginate(query.objects(SimpleNamespace), sort=sort, cursor=cursor, limit=limit)


def _walk(read, filters, sort, limit) -> list:
    """Every page of a list, following its cursors: [(rows as dicts, next_cursor), …]."""
    pages, cursor = [], None
    while True:
        page = read(filters, sort=sort, cursor=cursor, limit=limit)
        pages.append(([vars(row) for row in page.items], page.next_cursor))
        if page.next_cursor is None or len(pages) > 20:
            return pages
        cursor = page.next_cursor


def test_the_prepared_list_reads_the_rows_pages_and_cursors_peewee_reads(dataset):
    with database.connection_context():
        found = []
        for filters in _filter_shapes(dataset):
            found.append(bool(_peewee_page(filters, sort="created_at", cursor=None, limit=1).items))
            for sort in SORTS:
                for limit in (1, 5, 50):
                    expected = _walk(_peewee_page, filters, sort, limit)
                    assert _walk(list_claims_page, filters, sort, limit) == expected, (filters, sort, limit)
        assert found.count(True) >= 17 and found[-1]  # most shapes, the one with every filter too, find claims
        everything = _walk(list_claims_page, {}, "-created_at", 50)[0][0]
        assert sorted(row["id"] for row in everything) == sorted(dataset["claims"])
        assert _walk(list_claims_page, {"tag": STORED_TAG}, "created_at", 2)[0][0]  # the odd tag matches its claims
        assert _walk(list_claims_page, {"tag": "nope"}, "created_at", 2) == [([], None)]


def _end_cursors(sort: str) -> list[str]:
    """Cursors after the first row of the whole list in `sort` order and after its last (an empty page)."""
    rows = _peewee_page({}, sort=sort, cursor=None, limit=200).items
    name = sort.lstrip("-")
    return [encode_cursor(sort, _to_cursor_value(getattr(row, name)), row.id) for row in (rows[0], rows[-1])]


def test_cursors_at_both_ends_read_what_peewee_reads(dataset):
    with database.connection_context():
        for filters in _filter_shapes(dataset):
            for sort in SORTS:
                for cursor in _end_cursors(sort):
                    expected = _peewee_page(filters, sort=sort, cursor=cursor, limit=50)
                    page = list_claims_page(filters, sort=sort, cursor=cursor, limit=50)
                    assert ([vars(r) for r in page.items], page.next_cursor) == \
                        ([vars(r) for r in expected.items], expected.next_cursor), (filters, sort, cursor)
                first, last = _end_cursors(sort)
                assert list_claims_page({}, sort=sort, cursor=last, limit=50).items == []
                assert len(list_claims_page({}, sort=sort, cursor=first, limit=50).items) == len(dataset["claims"]) - 1


def test_the_prepared_list_has_the_sql_and_parameters_of_peewees_query(dataset):
    with database.connection_context():
        key = KeyCheck(key_id=Claim.select().first().id, secret_hash="x")
        for filters in _filter_shapes(dataset):
            for sort in SORTS:
                for cursor in [None, *_end_cursors(sort)]:
                    for check in (None, key):
                        values = page_values(filters, sort=sort, cursor=cursor, limit=7, key=check)
                        expected = list_page_query(values, sort).sql()
                        assert LIST_PAGE.parameters(values, sort) == expected, (filters, sort, cursor, check)


def test_a_shape_is_rendered_once_and_its_values_only_swapped(dataset):
    with database.connection_context():
        sql, params = LIST_PAGE.parameters(page_values({"tag": "shared"}, sort="created_at", cursor=None, limit=50),
                                           "created_at")
        again, other = LIST_PAGE.parameters(page_values({"tag": ODD_TAG}, sort="created_at", cursor=None, limit=9),
                                            "created_at")
        assert again is sql and "shared" in params and normalize_tag(ODD_TAG) in other and 10 in other
        assert "o'brien" not in sql and "shared" not in sql
