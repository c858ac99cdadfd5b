"""What every view does the same way: read HTTP inputs into plain values (ids, If-Match,
the acting key, paging), and answer with ETags, Locations and Link headers.

Services never see the request: this module is where HTTP turns into arguments.
"""
from __future__ import annotations

import datetime as dt
import threading
from urllib.parse import urlencode

from flask import Response, current_app, g, request, url_for
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import RAISE, Schema
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound as NotFoundHTTP
from werkzeug.routing import BaseConverter

from api.conditional import not_modified
from api.domain.ids import PREFIXES, decode_id, encode_id
from api.pagination import Page, PageRows
from api.services.audit import Actor
from api.services.spans import UTF16
from api.web import public_base_url

PAGING = ("sort", "cursor", "limit")


class StrictParser(FlaskParser):
    """Unknown query parameters are refused like unknown body fields: a mistyped filter
    (`?stauts=`) must not silently return everything."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE, "querystring": RAISE}

    # Parsed query strings, per schema: the same URL parses to the same values (the query's
    # fields are plain values, none reads the request or the clock), and parsing it again was a
    # tenth of a cached claim GET (webargs and marshmallow). Errors are not kept; neither is a
    # result holding a mutable value, which a view could change for the next request.
    _PARSED_AT_MOST = 4096
    _IMMUTABLE = (str, int, float, bool, type(None), dt.date, dt.datetime, tuple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._parsed_queries: dict[tuple, dict] = {}

    def parse(self, argmap, req=None, *, location=None, **kwargs):
        if location != "query" or not isinstance(argmap, Schema):
            return super().parse(argmap, req, location=location, **kwargs)
        key = (id(argmap), (req or request).query_string)
        parsed = self._parsed_queries.get(key)
        if parsed is None:
            parsed = super().parse(argmap, req, location=location, **kwargs)
            if all(isinstance(value, self._IMMUTABLE) for value in parsed.values()):
                if len(self._parsed_queries) >= self._PARSED_AT_MOST:
                    self._parsed_queries.clear()
                self._parsed_queries[key] = parsed
        return dict(parsed)

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


def link_header(page: Page) -> dict[str, str]:
    """The Link header pointing at the next page (same URL, same filters, new cursor)."""
    return next_link(public_base_url(), request.path, request.args, page.next_cursor)


def next_link(base_url: str, path: str, args: MultiDict, next_cursor: str | None) -> dict[str, str]:
    """link_header for a request to `path` with the query `args`, links starting with `base_url`;
    also what a page served before Flask answers (api.cached_reads)."""
    if next_cursor is None:
        return {}
    args = args.to_dict(flat=False)
    args["cursor"] = [next_cursor]
    url = f"{base_url}{path}?{urlencode(args, doseq=True)}"
    return {"Link": f'<{url}>; rel="next"'}


def page_result(data: list, page: Page):
    """A list answer: the presented items, the next cursor, and the Link header."""
    return {"data": data, "next_cursor": page.next_cursor}, 200, link_header(page)


def preferred_wait() -> int | None:
    """Seconds the client will wait for a job (`Prefer: wait=N`, RFC 7240 §4.3), capped at
    CLAIMTRACK_PREFER_WAIT_MAX_SECONDS; None without the preference. A malformed value is
    ignored, as RFC 7240 §2 asks of preferences a server does not understand."""
    wait = None
    for header in request.headers.getlist("Prefer"):
        for preference in header.split(","):
            name, _, value = preference.split(";")[0].strip().partition("=")
            if name.strip().lower() == "wait" and value.strip().strip('"').isdigit():
                wait = int(value.strip().strip('"'))
    if wait is None:
        return None
    return min(wait, current_app.config["CLAIMTRACK"].prefer_wait_max_seconds)


def acting_role() -> str:
    """The role of the request's API key."""
    return g.api_key.role


def if_match() -> str | None:
    """The raw If-Match header (None: the write is unconditional)."""
    return request.headers.get("If-Match")


def acting() -> Actor:
    """Who makes this request's changes: the API key authentication found."""
    return Actor(key_id=g.api_key.id, name=g.api_key.name)


def spans_in_units(data: dict, offsets: str) -> dict:
    """Mark the input spans of a parsed body (appearances, mentions, evidence spans) with the
    units their offsets count in, for the resolver: `?offsets=utf16` applies to every one."""
    if offsets == UTF16:
        spans = [*(data.get("appearances") or []), *(data.get("mentions") or []),
                 *(item["span"] for item in data.get("evidence") or [] if "span" in item)]
        for span in spans:
            span["units"] = UTF16
    return data


def single(body: dict, etag: str):
    """200 with an ETag, or an empty 304 when the client's copy is current."""
    if not_modified(etag, request.headers.get("If-None-Match")):
        return not_modified_response(etag)
    return body, 200, {"ETag": etag}


class Representations:
    """Serialized JSON bodies of this process, each kept with the version it shows: a read whose
    resource still has that version answers with the stored bytes, and only a miss is built and
    dumped (bench/RESULTS.md: building and dumping were most of a claim GET). Entries are replaced
    by version, never expired by time; bounded by count and by the bytes of their bodies (a
    source's annotations weigh as much as a few dozen claims; keys and versions are not counted),
    the oldest entry goes first. Safe under threads as well as gevent (put holds a lock)."""

    def __init__(self, max_entries: int = 20_000, max_bytes: int = 64 * 1024 * 1024):
        self._entries: dict[tuple, tuple] = {}
        self._max_entries, self._max_bytes = max_entries, max_bytes
        self._bytes = 0
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every entry (as a new worker starts)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __contains__(self, key: tuple) -> bool:
        """Whether something is stored for `key`, at any version."""
        return key in self._entries

    def get(self, key: tuple, version) -> tuple[str, bytes] | None:
        """(etag, body) stored for `key` at exactly `version`, or None."""
        entry = self._entries.get(key)
        return entry[1:] if entry is not None and entry[0] == version else None

    def put(self, key: tuple, version, etag: str | None, body: bytes) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[2])
            while self._entries and (len(self._entries) >= self._max_entries
                                     or self._bytes + len(body) > self._max_bytes):
                self._bytes -= len(self._entries.pop(next(iter(self._entries)))[2])
            self._entries[key] = (version, etag, body)
            self._bytes += len(body)


REPRESENTATIONS = Representations()


def single_cached(key: tuple, version, etag: str, build) -> Response:
    """`single` for a resource whose current `version` (and its `etag`) was read cheaply: 304 when
    the client's copy is current, else the stored body for this version, else `build()` → (its
    version, its ETag, its dumped dict), which is stored. The built version is the one stored, so a
    write between the two reads can only make the entry newer than the version read first."""
    if not_modified(etag, request.headers.get("If-None-Match")):
        return not_modified_response(etag)
    stored = REPRESENTATIONS.get(key, version)
    if stored is None:
        built_version, etag, body = build()
        stored = etag, current_app.json.encode(body)
        REPRESENTATIONS.put(key, built_version, *stored)
    return stored_response(*stored)


def not_modified_response(etag: str) -> Response:
    """304: the client's copy, named by If-None-Match, is current."""
    return Response(status=304, headers={"ETag": etag})


def stored_response(etag: str | None, body: bytes) -> Response:
    """200 with a representation's stored JSON bytes (and its ETag, when it has one). Also what a
    read served before Flask answers (api.cached_reads)."""
    return Response(body, status=200, mimetype=JSON_MIMETYPE, headers=None if etag is None else {"ETag": etag})


JSON_MIMETYPE = "application/json"  # Flask's JSON provider's (api.app.ReadableJSON)


# Pages of items whose representations REPRESENTATIONS keeps, each kept as a whole under its rows
# (PageRows.version), with its next cursor where a single representation keeps its ETag: a page
# whose rows are those read before is its stored bytes, without converting a row or looking up
# its fifty items (bench/RESULTS.md, issue #17). Bounded apart, so that pages never push out the
# items they are made of. Each entry's version also holds its rows (up to limit + 1, about 0.3 KB
# each, against about 1 KB of body per item), which the byte bound does not count: about a third
# more than it at most.
PAGES = Representations(max_entries=2_000, max_bytes=32 * 1024 * 1024)


def page_cached(key: tuple, rows: PageRows, key_of, version_of, build) -> Response:
    """page_result for items whose representations single_cached keeps, the page itself kept in
    PAGES under `key` at `rows.version`. A page not stored: each item of `rows.page()` (rows read
    with their version) is answered with the body stored under `key_of(row)` at `version_of(row)`;
    only the misses are built, in one call `build(rows)` → [(the row as read for building, its
    ETag, its dumped dict)], and stored under that row's key and version (a write between the two
    reads can only make an entry newer than the page's version; an item deleted meanwhile is left
    out, and its row is never read again at that version). The same entries serve single reads,
    so a page warms the items' GETs and the other way round. Items keep their schema's keys and
    order; the envelope is page_result's (data, next_cursor, Link)."""
    stored = PAGES.get(key, rows.version)
    if stored is None:
        stored = _page_body(rows.page(), key_of, version_of, build)
        PAGES.put(key, rows.version, *stored)
    next_cursor, data = stored
    return page_response(data, next_link(public_base_url(), request.path, request.args, next_cursor))


def _page_body(page: Page, key_of, version_of, build) -> tuple[str | None, bytes]:
    """(the page's next cursor, its JSON body) from its items' representations (page_cached)."""
    keys = [key_of(row) for row in page.items]
    bodies: dict[tuple, bytes] = {}
    misses = []
    for key, row in zip(keys, page.items):
        stored = REPRESENTATIONS.get(key, version_of(row))
        if stored is None:
            misses.append(row)
        else:
            bodies[key] = stored[1]
    if misses:
        for row, etag, body in build(misses):
            key = key_of(row)
            bodies[key] = encoded = current_app.json.encode(body)
            REPRESENTATIONS.put(key, version_of(row), etag, encoded)
    data = b'{"data":[' + b",".join(bodies[key] for key in keys if key in bodies) + b'],"next_cursor":' \
        + current_app.json.encode(page.next_cursor) + b"}"
    return page.next_cursor, data


def page_response(body: bytes, link: dict[str, str]) -> Response:
    """200 with a page's JSON bytes and its Link header (next_link): page_cached's answer, and
    what a page served before Flask answers (api.cached_reads)."""
    return Response(body, status=200, mimetype=JSON_MIMETYPE, headers=link)


def list_cached(key: tuple, version, build) -> Response:
    """{"data": [...]} of a list without paging (a source's annotations) kept like single_cached's
    bodies, under `key` at `version` (what the items show, read cheaply: it changes whenever
    any item does); a miss is `build()` → the dumped answer, stored at the version read first. A
    write between the two reads can only make the stored body newer than its version, and a
    later read sees the newer version and builds again. No ETag: the answer never had one."""
    stored = REPRESENTATIONS.get(key, version)
    if stored is None:
        stored = None, current_app.json.encode(build())
        REPRESENTATIONS.put(key, version, *stored)
    return stored_response(*stored)


def created(body: dict, etag: str, endpoint: str, **url_values):
    """201 with the new resource's Location (`endpoint` with `url_values`) and ETag."""
    return body, 201, {"ETag": etag, "Location": url_for(endpoint, **url_values)}


def saved(body: dict, etag: str):
    return body, 200, {"ETag": etag}


class PublicIdConverter(BaseConverter):
    """`<claim:claim_id>` in a route: the view gets the integer key behind `clm_…`; an id that
    no key of this kind encodes answers 404 before any view (or authentication) runs."""

    kind = ""

    def to_python(self, value: str) -> int:
        pk = decode_id(self.kind, value)
        if pk is None:
            # Raised from routing, Flask keeps it as the request's routing exception: a 404 problem.
            raise NotFoundHTTP(f"No {self.kind} with id {value!r}.")
        return pk

    def to_url(self, value) -> str:
        return encode_id(self.kind, value) if isinstance(value, int) else super().to_url(value)


ID_CONVERTERS = {kind: type(f"{kind.title()}IdConverter", (PublicIdConverter,), {"kind": kind})
                 for kind in PREFIXES}


def register_id_converters(app, api) -> None:
    """Make `<claim:…>`, `<source:…>` … usable in routes (before blueprints are registered)."""
    for kind, converter in ID_CONVERTERS.items():
        app.url_map.converters[kind] = converter
        api.register_converter(converter, lambda _: {"type": "string", "minLength": 1})
