"""What browsers need: CORS for frontends, security headers, and the offline docs page."""
from __future__ import annotations

import base64
import hashlib
import io
import re

from flask import Flask, Response, current_app, g, request
from flask_cors import CORS
from flask_cors.core import get_cors_headers, get_cors_options
from flask_swagger_ui import get_swaggerui_blueprint
from werkzeug.datastructures import MultiDict

DOCS_PATH = "/docs"
EXPOSED_HEADERS = ["ETag", "Link", "Location", "Retry-After", "Idempotent-Replayed"]
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def _docs_csp(response: Response) -> str:
    """Only our own assets, and exactly the inline bootstrap script this page carries."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
                      for body in _INLINE_SCRIPT.findall(response.get_data()))
    return (f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


# Every answer's security headers, unless the view set its own: set once per response in one
# pass over its headers (four setdefault calls each scanned them: 2% of a cached claim GET).
FIXED_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                 ("X-Frame-Options", "DENY"),
                 ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"))
# Answers to a key holder may hold unpublished verdicts: no shared cache may keep them.
PRIVATE_HEADERS = (("Cache-Control", "private, no-cache"), ("Vary", "Authorization"))


def security_headers(response: Response) -> Response:
    """after_request: the docs page's own policy, then add_security_headers."""
    if request.path.startswith(DOCS_PATH) and response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = _docs_csp(response)
    return add_security_headers(response, keyed="api_key" in g)


def add_security_headers(response: Response, *, keyed: bool) -> Response:
    """FIXED_HEADERS the response does not set itself, and PRIVATE_HEADERS when it answers a key
    holder (`keyed`). Every answer gets them here, from Flask's hook or before Flask (api.cached_reads)."""
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    headers.extend([(name, value) for name, value in FIXED_HEADERS if name.lower() not in present])
    if keyed:
        if "cache-control" in present:
            del headers["Cache-Control"]
        headers.extend(PRIVATE_HEADERS)
    return response


CORS_EXTENSION = "claimtrack_cors"


def cors_headers(app: Flask, request_headers, method: str) -> MultiDict | None:
    """The CORS headers flask-cors's after_request adds to an answer to a request with these
    headers and method (Flask's path: init_web's CORS; before Flask: api.cached_reads, with the
    same options and flask-cors's own function); None when CORS is off."""
    options = app.extensions.get(CORS_EXTENSION)
    return None if options is None else get_cors_headers(options, request_headers, method)


def public_base_url() -> str:
    """The base of absolute URLs we hand out (Link, ClaimReview `url`): CLAIMTRACK_PUBLIC_URL, or
    else the request's own scheme and host, which create_app then restricts to
    CLAIMTRACK_ALLOWED_HOSTS (Flask's TRUSTED_HOSTS: any other Host header → 400), so a forged
    Host is never reflected into them."""
    return base_url_of(current_app, request)


def base_url_of(app: Flask, req) -> str:
    """public_base_url for `app` and the request `req` (a werkzeug Request whose trusted_hosts are
    the app's, as Flask sets them): also what a read served before Flask builds its links from."""
    return app.config["CLAIMTRACK"].public_url or req.host_url.rstrip("/")


class LimitStreamedBodies:
    """WSGI middleware: a chunked body (no Content-Length) is read up to the limit plus one byte
    and handed on with its Content-Length, so one over the limit gets the same 413 as a body
    that declares its length (Werkzeug would otherwise cut it at the limit: broken JSON, 400)."""

    def __init__(self, wsgi_app, limit: int):
        self.wsgi_app, self.limit = wsgi_app, limit

    def __call__(self, environ, start_response):
        if not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated") \
                and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = environ["wsgi.input"].read(self.limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))  # limit + 1 when over: Werkzeug answers 413
            del environ["HTTP_TRANSFER_ENCODING"]  # the body is now plain bytes of that length
        return self.wsgi_app(environ, start_response)


DOCS_FIRST_PAINT = """<header style="font-family: sans-serif; max-width: 1460px; margin: 0 auto; padding: 16px 20px 0">
  <h1 style="margin: 0 0 8px">claimtrack API</h1>
  <p style="margin: 4px 0">Every operation except <code>/healthz</code>, <code>/readyz</code> and these docs needs an
  API key: choose <b>Authorize</b> and paste it (sent as <code>Authorization: Bearer &lt;key&gt;</code>). Get one with
  <code>claimtrack keys create --name you --role checker</code>; <code>claimtrack demo</code> writes an admin key to
  <code>claimtrack-demo.key</code>.</p>
  <p style="margin: 4px 0">The contract: <a href="/openapi.yaml">openapi.yaml</a> (also
  <a href="/openapi.json">openapi.json</a>). The interactive reference below loads with scripts.</p>
</header>
"""


def _with_first_paint(show):
    """The docs page with a static header before Swagger UI's scripts run: title, how to
    authenticate and the link to the OpenAPI document are there at first paint, scripts or not."""
    def show_with_header(path=None):
        response = show(path)
        if path in (None, "index.html") and isinstance(response, str):
            response = response.replace('<div id="swagger-ui">', DOCS_FIRST_PAINT + '  <div id="swagger-ui">', 1)
        return response
    return show_with_header


def init_web(app: Flask, cors_origins: tuple[str, ...]) -> None:
    if cors_origins:
        options = dict(origins=list(cors_origins), expose_headers=EXPOSED_HEADERS, max_age=600,
                       allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key"],
                       methods=["GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"])
        CORS(app, **options)
        # As flask-cors resolves them for its one resource (every path): see cors_headers.
        app.extensions[CORS_EXTENSION] = get_cors_options(app, options)
    docs = get_swaggerui_blueprint(DOCS_PATH, "/openapi.json", config={"app_name": "claimtrack API"},
                                   blueprint_name="docs")
    app.register_blueprint(docs)
    app.view_functions["docs.show"] = _with_first_paint(app.view_functions["docs.show"])
    app.after_request(security_headers)
