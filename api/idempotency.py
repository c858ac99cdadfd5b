"""Idempotency-Key on POST: a retried request replays the first response, stores nothing twice.

Three short transactions, none of them around the request's own work (extraction may run
for seconds, and on SQLite a transaction that has written holds the one write lock):

1. reserve: insert (api key, Idempotency-Key, fingerprint) with no response yet and commit.
   The unique (api_key, key) index lets one request in; a concurrent duplicate finds the
   reservation and waits (polling) for the first to finish, then replays it.
2. the request runs as it would without a key, in its own transactions.
3. a success stores its response on the reservation; any failure deletes the reservation,
   so a failed request does not use up its key.

A process killed between the write's commit and step 3 leaves a reservation without a
response: a retry with that key then answers 409 (the outcome is unknown) rather than risk
doing the write twice.

The fingerprint is the method, the path, the query parameters and the *parsed* JSON body:
a retry that serialises the same document with other key order or whitespace replays.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time

import peewee
from flask import Flask, Response, current_app, g, request

from api.auth import key_check, view_attribute
from api.db import database
from api.errors import Problem, invalid
from api.models import IdempotentRequest
from api.services.keys import confirm_key_alone

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")
# How long a duplicate waits for the first request before answering 409 (gunicorn's worker
# timeout is 60 s, so a first request still running after this is slow, not merely busy).
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05


def fingerprint(method: str, path: str, query: list[tuple[str, str]], body: bytes) -> str:
    """sha256 of what makes two requests the same request: method, path, query parameters
    (order ignored) and the body as parsed JSON (key order and whitespace ignored; a body
    that is not JSON counts byte for byte)."""
    try:
        document = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        canonical = b"json:" + document.encode("utf-8")
    except (ValueError, UnicodeDecodeError):
        canonical = b"raw:" + body
    digest = hashlib.sha256(method.encode())
    for part in (path, json.dumps(sorted(query), ensure_ascii=False)):
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    digest.update(b"\0" + canonical)
    return digest.hexdigest()


def _request_fingerprint() -> str:
    return fingerprint(request.method, request.path, list(request.args.items(multi=True)), request.get_data())


def _replay(record: IdempotentRequest) -> Response:
    response = Response(record.response_body, status=record.status)
    for name, value in json.loads(record.response_headers or "{}").items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _reserve(api_key_id: int, key: str, digest: str) -> IdempotentRequest | None:
    """The new reservation, or None when the key is taken."""
    try:
        with database.atomic():
            return IdempotentRequest.create(api_key=api_key_id, key=key, method=request.method,
                                            path=request.full_path, body_sha256=digest)
    except peewee.IntegrityError:
        return None


def _existing(api_key_id: int, key: str) -> IdempotentRequest | None:
    return IdempotentRequest.get_or_none((IdempotentRequest.api_key == api_key_id) & (IdempotentRequest.key == key))


def begin_idempotent_request():
    """before_request, after authentication: reserve the key, or replay its response."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None or "api_key" not in g:
        return None
    if "key_check" in g:
        # The view would confirm the key in its first statement (auth.key_confirmed_by_read): too
        # late here, where a revoked key must not reserve anything. One read of its own (401).
        confirm_key_alone(key_check())
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise invalid(HEADER, f"{HEADER} must be 1..{MAX_KEY_LENGTH} printable characters.")
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and view_attribute(view, "never_replay"):
        return None  # e.g. key creation: its response holds a secret that must not be stored
    digest = _request_fingerprint()
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        record = _reserve(g.api_key.id, key, digest)
        if record is not None:
            g.idempotency_record = record
            return None
        first = _existing(g.api_key.id, key)
        if first is None:
            continue  # the first request failed and gave its key back meanwhile: take it
        if first.body_sha256 != digest:
            raise invalid(HEADER, f"This {HEADER} was used for a different request: use a new key for a new request.")
        if first.status is not None:
            return _replay(first)
        if time.monotonic() >= deadline:
            raise Problem(409, f"The first request with this {HEADER} has not finished (or its outcome is "
                               f"unknown): GET the resource to see whether it was stored before using a new key.",
                          slug="idempotency-key-in-use", headers={"Retry-After": "5"})
        time.sleep(POLL_SECONDS)


def _release() -> None:
    """Give the key back (the request failed: nothing it did was committed)."""
    record = g.pop("idempotency_record", None)
    if record is not None:
        with database.atomic():
            IdempotentRequest.delete().where(IdempotentRequest.id == record.id).execute()


def finish_idempotent_request(response: Response) -> Response:
    """after_request: store a success's response on its reservation; release it otherwise."""
    record = g.get("idempotency_record")
    if record is None:
        return response
    if response.status_code >= 400 or response.is_streamed:
        _release()
        return response
    with database.atomic():
        IdempotentRequest.update(
            status=response.status_code, response_body=response.get_data(as_text=True),
            response_headers=json.dumps({h: response.headers[h] for h in REPLAYED_HEADERS if h in response.headers}),
        ).where(IdempotentRequest.id == record.id).execute()
    g.pop("idempotency_record", None)
    return response


def init_idempotency(app: Flask) -> None:
    app.before_request(begin_idempotent_request)
    app.after_request(finish_idempotent_request)
    # An exception that escaped every handler still must not keep the key reserved.
    app.teardown_request(_release_on_teardown)


def _release_on_teardown(exc) -> None:
    try:
        _release()
    except peewee.DatabaseError:  # the database went away: the reservation stays, a retry gets 409
        log.warning("could not release an %s reservation", HEADER, exc_info=True)
