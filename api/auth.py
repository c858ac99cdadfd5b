"""Who is calling, and may they? Checked before any view runs, so views never forget it.

A view declares a role other than its method's default with @requires_role; public
endpoints (health, docs) with @public.
"""
from __future__ import annotations

from flask import Flask, current_app, g, request

from api.domain.roles import default_role_for, role_allows
from api.errors import Problem
from api.ratelimit import count_failed_authentication, refuse_if_failing_authentication
from api.services.keys import find_key


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


def authenticate() -> None:
    """Run before every request; sets g.api_key or refuses with 401/403 (or 429 when this
    address has failed to authenticate too often; the per-key limit runs next, in api.ratelimit)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.method == "OPTIONS" or request.blueprint in PUBLIC_BLUEPRINTS \
            or view_attribute(view, "public"):
        return  # unknown routes fall through to a 404/405 problem
    refuse_if_failing_authentication()
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise _unauthorized("An API key is required: send 'Authorization: Bearer <key>'.")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("The Authorization header must be 'Bearer <key>'.")
    key = find_key(token.strip())
    if key is None:
        raise _unauthorized("The API key is unknown or revoked.")
    need = view_attribute(view, "required_role") or default_role_for(request.method)
    if not role_allows(key.role, need):
        raise Problem(403, f"This needs the {need} role; the key has {key.role}.", slug="forbidden",
                      headers={"WWW-Authenticate": f'Bearer realm="claimtrack", error="insufficient_scope", '
                                                   f'error_description="needs the {need} role"'})
    g.api_key = key


def init_auth(app: Flask) -> None:
    app.before_request(authenticate)
