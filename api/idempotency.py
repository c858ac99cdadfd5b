"""Idempotency-Key on POST: a retried request replays the first response, stores nothing twice.

The reservation row, the write it guards and the stored response commit in ONE transaction
that spans the request: a crash leaves neither, and a concurrent duplicate waits on the
unique (api_key, key) index, then replays what the first one committed.
"""
from __future__ import annotations

import hashlib
import json

import peewee
from flask import Flask, Response, current_app, g, request

from api.auth import view_attribute
from api.db import database
from api.errors import invalid
from api.models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")


def _fingerprint() -> str:
    digest = hashlib.sha256(request.method.encode())
    digest.update(request.full_path.encode())
    digest.update(b"\0")
    digest.update(request.get_data())
    return digest.hexdigest()


def _replay(record: IdempotentRequest) -> Response:
    response = Response(record.response_body, status=record.status)
    for name, value in json.loads(record.response_headers or "{}").items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _end_transaction(commit: bool) -> None:
    transaction = g.pop("idempotency_transaction", None)
    g.pop("idempotency_record", None)
    if transaction is not None:
        error = None if commit else RuntimeError("rolled back")
        transaction.__exit__(None if commit else RuntimeError, error, None)


def begin_idempotent_request():
    """before_request, after authentication: reserve the key, or replay its response."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None or "api_key" not in g:
        return None
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise invalid(HEADER, f"{HEADER} must be 1..{MAX_KEY_LENGTH} printable characters.")
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and view_attribute(view, "never_replay"):
        return None  # e.g. key creation: its response holds a secret that must not be stored
    fingerprint = _fingerprint()
    transaction = database.atomic()
    transaction.__enter__()
    g.idempotency_transaction = transaction
    try:
        with database.atomic():  # a savepoint: a conflict must not abort the outer transaction
            g.idempotency_record = IdempotentRequest.create(
                api_key=g.api_key.id, key=key, method=request.method, path=request.full_path,
                body_sha256=fingerprint)
        return None
    except peewee.IntegrityError:
        pass
    _end_transaction(commit=False)
    first = IdempotentRequest.get((IdempotentRequest.api_key == g.api_key.id) & (IdempotentRequest.key == key))
    if first.body_sha256 != fingerprint:
        raise invalid(HEADER, f"This {HEADER} was used for a different request: use a new key for a new request.")
    return _replay(first)


def finish_idempotent_request(response: Response) -> Response:
    """after_request: keep a success with the write it made; undo everything else."""
    record = g.get("idempotency_record")
    if record is None:
        _end_transaction(commit=False)
        return response
    if response.status_code >= 400 or response.is_streamed:
        _end_transaction(commit=False)
        return response
    IdempotentRequest.update(
        status=response.status_code, response_body=response.get_data(as_text=True),
        response_headers=json.dumps({h: response.headers[h] for h in REPLAYED_HEADERS if h in response.headers}),
    ).where(IdempotentRequest.id == record.id).execute()
    _end_transaction(commit=True)
    return response


def init_idempotency(app: Flask) -> None:
    app.before_request(begin_idempotent_request)
    app.after_request(finish_idempotent_request)
    # An exception that escaped every handler still must not leave the transaction open.
    app.teardown_request(lambda exc: _end_transaction(commit=False))
