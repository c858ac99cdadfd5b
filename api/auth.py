"""Who is calling, and may they? Checked before any view runs, so views never forget it.

A view declares a role other than its method's default with @requires_role; public
endpoints (health, docs) with @public. A read whose first statement confirms the key itself
(@key_confirmed_by_read) lets a key this worker proved before through without a read of its own:
the view hands key_check() to that read, which carries the key's state as one more column, so the
request costs one statement, not two (bench/RESULTS.md, issue #17). A revoked key still fails on
that request (401); should the view not confirm it, confirm_unread_key does before any answer
leaves.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, Response, current_app, g, request

from api.domain.errors import Unauthenticated
from api.domain.roles import default_role_for, role_allows
from api.errors import Problem, problem_response
from api.ratelimit import count_failed_authentication, refuse_if_failing_authentication
from api.services.keys import UNKNOWN_OR_REVOKED, KeyCheck, confirm_key_alone, find_key, proved_key

if TYPE_CHECKING:
    from api.models import ApiKey


PUBLIC_BLUEPRINTS = {"api-docs", "docs"}  # the OpenAPI document and the page that renders it


def requires_role(role: str):
    def mark(view):
        view.required_role = role
        return view
    return mark


def never_replay(view):
    """Idempotency-Key is ignored here: the response holds a secret that must not be stored."""
    view.never_replay = True
    return view


def key_confirmed_by_read(view):
    """The view passes key_check() to its first statement (a read, or POST a verdict's claim
    lock), which confirms the key (see the module's docstring). A request with an
    Idempotency-Key has its key confirmed before it reserves anything (api.idempotency)."""
    view.key_confirmed_by_read = True
    return view


def key_check() -> KeyCheck | None:
    """The key a read of this request must confirm (services.keys.confirm_key), or None when
    authentication read it already; taken once: whoever takes it confirms it."""
    return g.pop("key_check", None)


def public(view):
    view.public = True
    return view


def view_attribute(view, name: str):
    """An attribute set on the view function, or on the MethodView method serving this request."""
    value = getattr(view, name, None)
    view_class = getattr(view, "view_class", None)
    if value is None and view_class is not None:
        method = getattr(view_class, request.method.lower(), None)
        value = getattr(method, name, None) or getattr(view_class, name, None)
    return value


def _unauthorized(detail: str) -> Problem:
    count_failed_authentication()
    return Problem(401, detail, slug="unauthorized",
                   headers={"WWW-Authenticate": 'Bearer realm="claimtrack"'})


def bearer_token(header: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header's value; None when it is not one."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def unconfirmed_key(token: str, need: str) -> ApiKey | None:
    """For a read that confirms the key itself (key_confirmed_by_read, or one served before Flask
    by api.cached_reads, each with KeyCheck(key.id, key.secret_hash)): the key this process proved
    the token to be, if its role allows `need`; None otherwise, and the request goes the long way
    (find_key), so that a revoked key is 401 before any 403."""
    known = proved_key(token)
    return known if known is not None and role_allows(known.role, need) else None


def authenticate() -> None:
    """Run before every request; sets g.api_key or refuses with 401/403 (or 429 when this
    address has failed to authenticate too often; the per-key limit runs next, in api.ratelimit)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.method == "OPTIONS" or request.blueprint in PUBLIC_BLUEPRINTS \
            or view_attribute(view, "public"):
        return  # unknown routes fall through to a 404/405 problem
    refuse_if_failing_authentication()
    header = request.headers.get("Authorization", "")
    if not header:
        raise _unauthorized("An API key is required: send 'Authorization: Bearer <key>'.")
    token = bearer_token(header)
    if token is None:
        raise _unauthorized("The Authorization header must be 'Bearer <key>'.")
    need = view_attribute(view, "required_role") or default_role_for(request.method)
    if view_attribute(view, "key_confirmed_by_read"):
        known = unconfirmed_key(token, need)
        if known is not None:
            g.api_key, g.key_check = known, KeyCheck(known.id, known.secret_hash)
            return
    key = find_key(token)
    if key is None:
        raise _unauthorized(UNKNOWN_OR_REVOKED)
    if not role_allows(key.role, need):
        raise Problem(403, f"This needs the {need} role; the key has {key.role}.", slug="forbidden",
                      headers={"WWW-Authenticate": f'Bearer realm="claimtrack", error="insufficient_scope", '
                                                   f'error_description="needs the {need} role"'})
    g.api_key = key


def confirm_unread_key(response: Response) -> Response:
    """after_request, run before every other: a key left unconfirmed (the view failed before its
    read, e.g. a 422, or never read) is confirmed now, and a revoked one gets its 401 instead."""
    if "key_check" not in g:
        return response
    try:
        confirm_key_alone(key_check())
    except Unauthenticated as error:
        return _refused(error)
    return response


def _refused(error: Unauthenticated) -> Response:
    return problem_response(_unauthorized(error.message))


def init_auth(app: Flask) -> None:
    """Authentication before every request; call confirm_unread_key's registration last
    (register_key_confirmation), so that it runs before the other after_request functions."""
    app.before_request(authenticate)
    app.register_error_handler(Unauthenticated, _refused)


def register_key_confirmation(app: Flask) -> None:
    app.after_request(confirm_unread_key)
