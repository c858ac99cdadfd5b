"""One way to fail: RFC 9457 problem+json for every error, from any layer."""
from __future__ import annotations

import logging
from http import HTTPStatus

import peewee
from flask import Response, current_app, has_request_context, json, request
from werkzeug.exceptions import HTTPException, SecurityError

from api.domain.errors import (
    Busy, Conflict, DomainError, Invalid, Malformed, NotFound, PreconditionFailed, TooLarge, Unauthenticated,
)
from schemas.common import flatten_messages

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"


class Problem(Exception):
    """An error to show the client. `errors` maps a field (dotted path) to its messages."""

    def __init__(self, status: int, detail: str, *, slug: str | None = None, title: str | None = None,
                 errors: dict[str, list[str]] | None = None, headers: dict[str, str] | None = None, **extra):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug
        self.title = title or HTTPStatus(status).phrase
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict:
        body = {
            "type": f"/problems/{self.slug}" if self.slug else "about:blank",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


def invalid(field: str, message: str, *, status: int = 422, slug: str = "validation", **extra) -> Problem:
    return Problem(status, message, slug=slug, errors={field: [message]}, **extra)


# The one mapping from what the domain refuses to HTTP. Checked along the class hierarchy,
# so a subclass (Malformed) is mapped before its base (Invalid).
STATUS_OF = {Unauthenticated: 401, NotFound: 404, Malformed: 400, Invalid: 422, Conflict: 409, PreconditionFailed: 412,
             TooLarge: 413, Busy: 503}


def problem_from_domain(error: DomainError) -> Problem:
    status = next((STATUS_OF[cls] for cls in type(error).__mro__ if cls in STATUS_OF), 422)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Busy) else None
    return Problem(status, error.message, slug=error.slug, errors=error.errors, headers=headers, **error.details)


def problem_response(problem: Problem) -> Response:
    response = Response(json.dumps(problem.body()), status=problem.status, mimetype=PROBLEM_MIMETYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def from_http_exception(error: HTTPException) -> Problem:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 422 and messages:
        # Drop the location level ("json", "query") unless both are present.
        if len(messages) == 1:
            messages = next(iter(messages.values()))
        errors = flatten_messages(messages)
        fields = ", ".join(sorted(errors))
        return Problem(422, f"Invalid input: {fields}.", slug="validation", errors=errors)
    detail = data.get("message") or error.description or HTTPStatus(status).phrase
    if status == 400 and ("JSON" in str(detail) or (has_request_context() and request.is_json)):
        return Problem(400, "The request body is not valid JSON.", slug="malformed-json")
    if status == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return Problem(413, f"The request body is over the limit of {limit:,} bytes.", slug="body-too-large",
                       limit_bytes=limit)
    if status == 404:
        return Problem(404, str(detail), slug="not-found")
    if isinstance(error, SecurityError):  # Flask's TRUSTED_HOSTS refused the Host header
        return Problem(400, str(detail), slug="untrusted-host")
    return Problem(status, str(detail))


def http_exception_response(error: HTTPException) -> Response:
    """Werkzeug's and webargs' HTTP errors (404, 405, 413, 422 …) as problem+json."""
    problem = from_http_exception(error)
    if error.code == 405:
        problem.headers["Allow"] = error.get_response().headers.get("Allow", "")
    return problem_response(problem)


# SQLite: the lock was held past the busy timeout, or the file cannot be reached.
_SQLITE_UNAVAILABLE = ("database is locked", "database table is locked", "unable to open database",
                       "disk i/o error", "database or disk is full")
# PostgreSQL SQLSTATE classes/codes: connection exception (08), insufficient resources (53),
# operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now).
_POSTGRES_UNAVAILABLE = ("08", "53", "57P01", "57P02", "57P03")


def database_unavailable(error: BaseException) -> bool:
    """Is this a failure to reach the database (worth a retry: 503), rather than a statement
    the database refused (a bug or an input we should have bounded: never 503, or clients
    retry forever)? SQLite's "parser stack overflow" is the second kind."""
    if isinstance(error, peewee.InterfaceError):
        return True  # the connection is closed or broken
    if not isinstance(error, peewee.OperationalError):
        return False
    sqlstate = getattr(getattr(error, "orig", None) or error.__cause__ or error.__context__, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate.startswith(_POSTGRES_UNAVAILABLE)
    if "sqlite" in type(getattr(error, "orig", None) or error.__cause__ or error).__module__:
        message = str(error).lower()
        return any(fragment in message for fragment in _SQLITE_UNAVAILABLE)
    return True  # psycopg without an SQLSTATE: the server never answered (connection refused, reset)


def register_error_handlers(app) -> None:
    """Problems raised anywhere, and a last resort that never shows a stack trace.

    HTTPException is handled by the flask-smorest Api (see api.app), with
    http_exception_response.
    """
    app.register_error_handler(Problem, problem_response)
    app.register_error_handler(DomainError, lambda error: problem_response(problem_from_domain(error)))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_exception_response(error)
        if database_unavailable(error):
            # The database went away (a restart) or stayed locked past the busy timeout: the
            # request can be retried; the pool replaces the broken connection on the next one.
            log.warning("database unavailable: %s", error)
            return problem_response(Problem(503, "The database is unavailable; retry shortly.",
                                            slug="database-unavailable", headers={"Retry-After": "2"}))
        log.exception("unhandled error")
        return problem_response(Problem(500, "An unexpected error occurred; it has been logged."))
