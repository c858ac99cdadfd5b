"""One way to fail: RFC 9457 problem+json for every error, from any layer."""
from __future__ import annotations

import logging
from http import HTTPStatus

import peewee
from flask import Response, current_app, has_request_context, json, request
from werkzeug.exceptions import HTTPException

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


def not_found(kind: str, public_id: str) -> Problem:
    return Problem(404, f"No {kind} with id {public_id!r}.", slug="not-found")


def invalid(field: str, message: str, *, status: int = 422, slug: str = "validation", **extra) -> Problem:
    return Problem(status, message, slug=slug, errors={field: [message]}, **extra)


def problem_response(problem: Problem) -> Response:
    response = Response(json.dumps(problem.body()), status=problem.status, mimetype=PROBLEM_MIMETYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def _flatten_messages(messages, path: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow nest messages by location and field; clients want 'field.sub': [...]."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {path or "_body": messages}
    flat: dict[str, list[str]] = {}
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        key = "_body" if key == "_schema" else str(key)
        flat.update(_flatten_messages(value, f"{path}.{key}" if path else key))
    return flat


def from_http_exception(error: HTTPException) -> Problem:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 422 and messages:
        # Drop the location level ("json", "query") unless both are present.
        if len(messages) == 1:
            messages = next(iter(messages.values()))
        errors = _flatten_messages(messages)
        fields = ", ".join(sorted(errors))
        return Problem(422, f"Invalid input: {fields}.", slug="validation", errors=errors)
    detail = data.get("message") or error.description or HTTPStatus(status).phrase
    if status == 400 and ("JSON" in str(detail) or (has_request_context() and request.is_json)):
        return Problem(400, "The request body is not valid JSON.", slug="malformed-json")
    if status == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return Problem(413, f"The request body is over the limit of {limit:,} bytes.", slug="body-too-large",
                       limit_bytes=limit)
    return Problem(status, str(detail))


def http_exception_response(error: HTTPException) -> Response:
    """Werkzeug's and webargs' HTTP errors (404, 405, 413, 422 …) as problem+json."""
    problem = from_http_exception(error)
    if error.code == 405:
        problem.headers["Allow"] = error.get_response().headers.get("Allow", "")
    return problem_response(problem)


def register_error_handlers(app) -> None:
    """Problems raised anywhere, and a last resort that never shows a stack trace.

    HTTPException is handled by the flask-smorest Api (see api.app), with
    http_exception_response.
    """
    app.register_error_handler(Problem, problem_response)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_exception_response(error)
        if isinstance(error, (peewee.OperationalError, peewee.InterfaceError)):
            # The database went away (a restart) or stayed locked past the busy timeout: the
            # request can be retried; the pool replaces the broken connection on the next one.
            log.warning("database unavailable: %s", error)
            return problem_response(Problem(503, "The database is unavailable; retry shortly.",
                                            slug="database-unavailable", headers={"Retry-After": "2"}))
        log.exception("unhandled error")
        return problem_response(Problem(500, "An unexpected error occurred; it has been logged."))
