"""create_app(): configuration, database, error handling, auth, blueprints. Nothing else."""
from __future__ import annotations

import inspect
from importlib.metadata import version

import orjson

from flask import Flask, Response, request
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from api import problems
from api.auth import init_auth, register_key_confirmation
from api.cached_reads import CACHED_READS, CachedReads
from api.config import Config
from api.db import bind, database, open_database
from api.domain.text import unstorable_argument, unstorable_path
from api.errors import Problem, http_exception_response, invalid, register_error_handlers
from api.idempotency import init_idempotency
import api.jobs.kinds  # noqa: F401  every job kind, so that who may see which is known
from api.jobs import queue
from api.services import delivery, jobs
from api.services import matching as matching_service
from api.openapi import complete_spec
from api.ratelimit import init_rate_limits
from api.web import LimitStreamedBodies, init_web
from api.views.common import register_id_converters
from api.views import (
    audit, claimreviews, claims, events, exports, health, jobs as job_views, keys, matching, people, review_page, sources,
    verdicts, webhooks,
)
from schemas.common import ProblemSchema

BLUEPRINTS = (health.blp, sources.blp, people.blp, events.blp, claims.blp, verdicts.blp, claimreviews.blp,
              keys.blp, audit.blp, exports.blp, job_views.blp, webhooks.blp, matching.blp)


class ClaimtrackApi(Api):
    """flask-smorest with problem+json errors and our Problem schema in the spec."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        if getattr(error, "response", None) is not None:
            return error.response  # already a problem+json
        return http_exception_response(error)


class ClaimtrackFlask(Flask):
    """Flask, asking more cheaply whether a hook or view is a coroutine function. Flask asks for
    every hook, view and teardown function of every request (inspect.iscoroutinefunction, with
    its unwrapping): 14 times a request, 4% of a cached claim GET in process. A plain function's
    or method's code flags answer it; anything else goes to Flask's own check."""

    def ensure_sync(self, func):
        code = getattr(getattr(func, "__func__", func), "__code__", None)
        if code is not None and not code.co_flags & _ASYNC_FLAGS and not hasattr(func, "_is_coroutine_marker"):
            return func
        return super().ensure_sync(func)


_ASYNC_FLAGS = inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR | inspect.CO_ITERABLE_COROUTINE


class ReadableJSON(DefaultJSONProvider):
    """UTF-8 JSON that curl users can read (“quotes”, Zoë), in the order the schemas give.

    Encoded by orjson (several times faster than the standard library on our pages); the
    standard library takes over, with \\u escapes, only when a string holds a lone surrogate,
    which UTF-8 cannot carry and orjson refuses (such input is refused, but an error message may
    echo it), or for what orjson cannot encode (integers beyond 64 bits).
    """

    sort_keys = False

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            # Thousands of nested brackets: refuse as malformed JSON, not a crash.
            raise ValueError("JSON nested too deeply") from None

    def dumps(self, obj, **kwargs):
        if not kwargs:
            encoded = self._orjson(obj)
            if encoded is not None:
                return encoded.decode("utf-8")
        return self._standard(obj, **kwargs)

    def response(self, *args, **kwargs):
        return self._app.response_class(self.encode(self._prepare_response_obj(args, kwargs)), mimetype=self.mimetype)

    def encode(self, obj) -> bytes:
        """`obj` as the UTF-8 bytes of a response body."""
        encoded = self._orjson(obj)
        return encoded if encoded is not None else self._standard(obj).encode("utf-8")

    def _orjson(self, obj) -> bytes | None:
        try:
            return orjson.dumps(obj, default=self.default)
        except orjson.JSONEncodeError:
            return None

    def _standard(self, obj, **kwargs) -> str:
        text = super().dumps(obj, ensure_ascii=False, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = super().dumps(obj, ensure_ascii=True, **kwargs)
        return text


def _check_input() -> None:
    """Bodies must be JSON; no string anywhere may hold what no database can store."""
    if request.method in ("POST", "PUT", "PATCH") and (request.content_length or request.headers.get("Transfer-Encoding")):
        if not request.is_json:
            raise Problem(415, "Send the body as JSON with 'Content-Type: application/json'.",
                          slug="unsupported-media-type")
    where = unstorable_argument(request.args)
    if where is None and request.is_json:
        where = unstorable_path(request.get_json(silent=True))
    if where is not None:
        raise invalid(where, "U+0000 (NUL) and lone surrogates cannot be stored or searched for; remove them.")


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    app = ClaimtrackFlask("claimtrack")
    # URLs match as sent: no HTML redirects for doubled or trailing slashes (`/v1/sources/..//text`).
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.config.update(
        CLAIMTRACK=config,
        MAX_CONTENT_LENGTH=config.max_body_bytes,
        API_TITLE="claimtrack",
        API_VERSION=version("claimtrack"),  # info.version is the package's version
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.json = ReadableJSON(app)
    if config.public_url is None:
        # Absolute URLs are then built from the Host header: only hosts we know may appear.
        app.config["TRUSTED_HOSTS"] = list(config.allowed_hosts)
    app.wsgi_app = LimitStreamedBodies(app.wsgi_app, config.max_body_bytes)
    # Inside ProxyFix: failed authentications are counted by the client's address, as in Flask.
    app.wsgi_app = app.extensions[CACHED_READS] = CachedReads(app, app.wsgi_app)
    if config.trusted_proxies:
        # Behind a proxy (compose's nginx) the client's address, which failed authentications
        # are counted by, is the one the proxy puts in X-Forwarded-For.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies)

    jobs.configure(lease_seconds=config.job_lease_seconds, max_attempts=config.job_max_attempts)
    matching_service.configure(index_dir=config.matching_index_dir)
    delivery.configure(config)
    db = bind(open_database(config.database_url, busy_timeout_ms=config.sqlite_busy_timeout_ms))
    queue.configure(config, db)
    app.extensions["claimtrack_db"] = db

    # A request opens a connection on its first query (peewee's autoconnect), so what needs no
    # database (/healthz, /docs, /openapi.yaml) keeps answering while the database is down.
    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()

    # Order matters: who is calling first (401/403 before any word about the body), then the body.
    init_auth(app)
    init_rate_limits(app, config.rate_limit_per_minute, config.auth_failures_per_minute, config.rate_limit_storage_url)
    app.before_request(_check_input)
    init_idempotency(app)
    webhooks.relay_after_requests(app)
    init_web(app, config.cors_origins)
    app.register_blueprint(problems.blp)
    register_error_handlers(app)

    api = ClaimtrackApi(app)
    register_id_converters(app, api)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                                   "description": "An API key: `Authorization: Bearer ctk_…`"})
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    complete_spec(api)
    app.register_blueprint(review_page.blp)  # HTML for the public, not part of the API
    app.extensions["claimtrack_api"] = api

    @app.get("/openapi.yaml")
    def openapi_yaml():
        return Response(api.spec.to_yaml(), mimetype="application/yaml")
    openapi_yaml.public = True

    register_key_confirmation(app)  # last: its after_request runs before every other one
    return app
