"""What every view does the same way: split list queries, answer with ETags and Locations."""
from __future__ import annotations

from flask import Response, url_for
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import RAISE
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from api.conditional import not_modified
from api.domain.ids import decode_id, encode_id
from api.pagination import Page, page_headers
from api.services.common import etag_for, kind_of

PAGING = ("sort", "cursor", "limit")


class StrictParser(FlaskParser):
    """Unknown query parameters are refused like unknown body fields: a mistyped filter
    (`?stauts=`) must not silently return everything."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE, "querystring": RAISE}

    def _raw_load_json(self, req):
        # Parsed once, by Flask's JSON provider (see api.app.ReadableJSON), which the input
        # checks before the view already used: one parse of a 2 MiB body, not two, and one
        # place that turns malformed or too deeply nested JSON into a 400.
        return req.get_json() if is_json_request(req) else missing


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictParser()

    def arguments(self, schema, *args, **kwargs):
        # Given a class, webargs builds a new schema object on every request; one will do.
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


def split_query(query: dict) -> tuple[dict, dict]:
    """(filters, paging) from a parsed list query; `offsets` is read separately."""
    paging = {name: query.get(name) for name in PAGING}
    filters = {k: v for k, v in query.items() if k not in PAGING and k != "offsets"}
    return filters, paging


def page_result(page: Page):
    return {"data": page.items, "next_cursor": page.next_cursor}, 200, page_headers(page)


def single(row):
    """200 with an ETag, or an empty 304 when the client's copy is current."""
    etag = etag_for(row)
    if not_modified(etag):
        return Response(status=304, headers={"ETag": etag})
    return row, 200, {"ETag": etag}


def created(row, endpoint: str):
    """201 with the new resource's Location (its endpoint takes `<kind>_id`) and ETag."""
    kind = kind_of(type(row))
    location = url_for(endpoint, **{f"{kind}_id": encode_id(kind, row.id)})
    return row, 201, {"ETag": etag_for(row), "Location": location}


def saved(row):
    return row, 200, {"ETag": etag_for(row)}


def pk_of(kind: str, public_id: str) -> int | None:
    """The key behind an id in the URL; None (→ 404 from the service) if it names nothing."""
    return decode_id(kind, public_id)
