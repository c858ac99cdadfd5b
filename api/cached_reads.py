"""Cached reads answered before Flask: GET a claim, GET a source's annotations and a JSON page of
`GET /v1/claims` (any query string, parsed by the view's own parser and schema object), when this
worker holds the representation and has proved the caller's key before (bench/RESULTS.md, issue
#17: Flask's request context, routing, hooks and query parsing were most of such a read's CPU).

The same steps as Flask's path, through the same functions (api.auth, api.ratelimit, api.web,
api.views.common and each view's `*_representation`): the bearer token → a key this worker proved
(unconfirmed_key) → failed authentications of the address (Limits.failing_authentication) → the
key's rate limit (Limits.count_key, marked in the environ so Flask never counts it twice) → the ONE
statement that reads the version and confirms the key → If-None-Match → 304, or the stored bytes
→ security, private-cache and CORS headers. gunicorn writes the access log line of either path.

Whatever this path is not sure about goes to Flask unchanged, and Flask answers it as it would
have: a method other than GET, a query string (but on a claims page), a query Flask refuses
(unknown or invalid parameters, a bad cursor, a NUL or lone surrogate), Accept: text/csv, a body,
a SCRIPT_NAME, a Host outside TRUSTED_HOSTS, no or an unknown or unproved key or a role too low,
an address over its failed authentications, a key over its rate limit, an Origin CORS does not allow, a revoked key (its
tokens are forgotten by then: Flask answers 401), a resource that does not exist, a malformed
If-None-Match, a representation not stored, any error.
"""
from __future__ import annotations

import re
from functools import partial
from typing import Callable, NamedTuple

from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

from api.auth import bearer_token, unconfirmed_key
from api.conditional import not_modified
from api.db import database
from api.domain.ids import decode_id
from api.domain.roles import default_role_for
from api.ratelimit import COUNTED_KEY, limits_of
from api.services.keys import KeyCheck
from api.domain.text import unstorable_argument
from api.views.claims import (
    CLAIM_QUERY, claim_representation, claims_page_key, claims_page_representation, wants_csv,
)
from api.views.common import (
    PAGES, REPRESENTATIONS, Blueprint, next_link, not_modified_response, page_response, stored_response,
)
from api.views.sources import annotations_representation
from api.web import add_security_headers, base_url_of, cors_headers
from schemas.common import OffsetsQuerySchema


class CachedRead(NamedTuple):
    kind: str  # of the id in the path
    representation: Callable  # (pk, offsets, KeyCheck) → (key in REPRESENTATIONS, version, ETag or None)


# (the path before the id, the path after it) → the read. Only the default offsets: a query
# string (?offsets=utf16 included) goes to Flask.
READS = {
    ("/v1/claims/", ""): CachedRead("claim", claim_representation),
    ("/v1/sources/", "/annotations"): CachedRead("source", annotations_representation),
}
CLAIMS_PATH = "/v1/claims"  # a page of claims, with any query string (see CachedReads._page)
_PATH = re.compile(r"(/v1/[a-z]+/)([a-z]+_[0-9A-Za-z]+)(/annotations)?\Z")
_READER = default_role_for("GET")
# What the views read without a query string (OffsetsQuerySchema's default).
_OFFSETS = OffsetsQuerySchema().fields["offsets"].load_default


CACHED_READS = "claimtrack_cached_reads"  # the app's extension: the CachedReads in front of it


class CachedReads:
    """WSGI middleware in front of the Flask app's own WSGI callable (`flask_path`)."""

    def __init__(self, app, flask_path):
        self.app, self.flask_path = app, flask_path

    def __call__(self, environ, start_response):
        response = None
        if environ.get("REQUEST_METHOD") == "GET":
            response = self._answer(environ)
        if response is None:
            return self.flask_path(environ, start_response)
        return response(environ, start_response)

    def _answer(self, environ):
        """The response, or None for Flask to answer."""
        path = environ.get("PATH_INFO", "")
        if path == CLAIMS_PATH:
            read = self._page
        else:
            match = not environ.get("QUERY_STRING") and _PATH.match(path)
            read = match and READS.get((match[1], match[3] or ""))
            if not read:
                return None
            pk = decode_id(read.kind, match[2])
            if pk is None:
                return None
            read = partial(self._read, read, pk)
        if environ.get("SCRIPT_NAME") or environ.get("CONTENT_LENGTH") not in (None, "", "0") \
                or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        trusted = self.app.config["TRUSTED_HOSTS"]
        if trusted is not None and not _host_trusted(environ, trusted):
            return None
        headers = EnvironHeaders(environ)
        token = bearer_token(headers.get("Authorization", ""))
        key = token and unconfirmed_key(token, _READER)
        if not key:
            return None
        cors = cors_headers(self.app, headers, "GET")
        if headers.get("Origin") and not cors:
            return None  # Flask answers: CORS is off or does not allow it (no CORS headers either way)
        limits = limits_of(self.app)
        if limits.failing_authentication(environ.get("REMOTE_ADDR") or "") is not None \
                or limits.count_key(key.id) is not None:
            return None  # Flask answers 429 (nothing was counted)
        environ[COUNTED_KEY] = key.id
        try:
            response = read(environ, headers, KeyCheck(key.id, key.secret_hash))
        except Exception:  # noqa: BLE001  Flask answers it, with its own handling (401, 404, 400, 503)
            return None
        finally:
            if not database.is_closed():
                database.close()
        if response is None:
            return None
        add_security_headers(response, keyed=True)
        if cors:
            for name, value in cors.items():  # as flask-cors adds them: the first value of each
                response.headers.add(name, value)
        return response

    @staticmethod
    def _read(read: CachedRead, pk: int, environ, headers, check: KeyCheck):
        key, version, etag = read.representation(pk, _OFFSETS, check)
        if etag is not None and not_modified(etag, headers.get("If-None-Match")):
            return not_modified_response(etag)
        stored = REPRESENTATIONS.get(key, version)
        return None if stored is None else stored_response(*stored)

    def _page(self, environ, headers, check: KeyCheck):
        """A page of claims in JSON whose representation PAGES holds at its rows' version. The
        query string is parsed as the view's is (the same parser and schema object, whose parsed
        values it keeps); a query Flask would refuse (a NUL, an unknown or invalid parameter, a bad
        cursor) raises or is left to Flask, and so is Accept: text/csv."""
        request = self.app.request_class(environ)
        trusted = self.app.config["TRUSTED_HOSTS"]
        if trusted is not None:
            request.trusted_hosts = trusted  # as Flask sets it
        if unstorable_argument(request.args) is not None or wants_csv(request.accept_mimetypes):
            return None
        query = Blueprint.ARGUMENTS_PARSER.parse(CLAIM_QUERY, request, location="query")
        if claims_page_key(query) not in PAGES:
            return None  # never stored: Flask reads and builds it (one page read, not two)
        key, rows = claims_page_representation(query, check)
        stored = PAGES.get(key, rows.version)
        if stored is None:
            return None
        next_cursor, body = stored
        return page_response(body, next_link(base_url_of(self.app, request), request.path, request.args, next_cursor))


def _host_trusted(environ, trusted) -> bool:
    """Whether Flask would accept the Host (TRUSTED_HOSTS; otherwise it answers 400)."""
    try:
        get_host(environ, trusted)
    except SecurityError:
        return False
    return True
