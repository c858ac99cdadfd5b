"""Cached reads answered before Flask: GET a claim and GET a source's annotations, when this
worker holds the representation and has proved the caller's key before (bench/RESULTS.md, issue
#17: Flask's request context, routing, hooks and query parsing were most of such a read's CPU).

The same steps as Flask's path, through the same functions (api.auth, api.ratelimit, api.web,
api.views.common and each view's `*_representation`): the bearer token → a key this worker proved
(unconfirmed_key) → failed authentications of the address (Limits.failing_authentication) → the
key's rate limit (Limits.count_key, marked in the environ so Flask never counts it twice) → the ONE
statement that reads the version and confirms the key → If-None-Match → 304, or the stored bytes
→ security, private-cache and CORS headers. gunicorn writes the access log line of either path.

Whatever this path is not sure about goes to Flask unchanged, and Flask answers it as it would
have: a method other than GET, a query string, a body, a SCRIPT_NAME, a Host outside
TRUSTED_HOSTS, no or an unknown or unproved key or a role too low, an address over its failed
authentications, a key over its rate limit, an Origin CORS does not allow, a revoked key (its
tokens are forgotten by then: Flask answers 401), a resource that does not exist, a malformed
If-None-Match, a representation not stored, any error.
"""
from __future__ import annotations

import re
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
from api.views.claims import claim_representation
from api.views.common import REPRESENTATIONS, not_modified_response, stored_response
from api.views.sources import annotations_representation
from api.web import add_security_headers, cors_headers
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
        if environ.get("REQUEST_METHOD") == "GET" and not environ.get("QUERY_STRING"):
            response = self._answer(environ)
        if response is None:
            return self.flask_path(environ, start_response)
        return response(environ, start_response)

    def _answer(self, environ):
        """The response, or None for Flask to answer."""
        match = _PATH.match(environ.get("PATH_INFO", ""))
        read = match and READS.get((match[1], match[3] or ""))
        if not read or environ.get("SCRIPT_NAME") or environ.get("CONTENT_LENGTH") not in (None, "", "0") \
                or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        pk = decode_id(read.kind, match[2])
        trusted = self.app.config["TRUSTED_HOSTS"]
        if pk is None or (trusted is not None and not _host_trusted(environ, trusted)):
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
            response = self._read(read, pk, KeyCheck(key.id, key.secret_hash), headers.get("If-None-Match"))
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
    def _read(read: CachedRead, pk: int, check: KeyCheck, if_none_match: str | None):
        key, version, etag = read.representation(pk, _OFFSETS, check)
        if etag is not None and not_modified(etag, if_none_match):
            return not_modified_response(etag)
        stored = REPRESENTATIONS.get(key, version)
        return None if stored is None else stored_response(*stored)


def _host_trusted(environ, trusted) -> bool:
    """Whether Flask would accept the Host (TRUSTED_HOSTS; otherwise it answers 400)."""
    try:
        get_host(environ, trusted)
    except SecurityError:
        return False
    return True
