"""Rate limits, kept by Flask-Limiter in the store CLAIMTRACK_RATELIMIT_STORAGE_URL names.

- Every authenticated request counts against its API key: CLAIMTRACK_RATE_LIMIT_PER_MINUTE
  (sliding window). Open endpoints (/healthz, /readyz, docs) are not limited.
- Every failed authentication (no, malformed, unknown or revoked key) counts against the
  client's address: CLAIMTRACK_AUTH_FAILURES_PER_MINUTE. Over it, even a valid key from that
  address is refused with 429 until the window moves on, so keys cannot be guessed at speed.

The default store, `memory://`, lives in each gunicorn worker process: with W workers a client
can get up to W times the limit. A shared store (`redis://host:6379`, with the `redis` extra
installed) makes the limits exact across workers and machines.
"""
from __future__ import annotations

import math
import time

from flask import Flask, current_app, g, request
from flask_limiter import Limiter, RequestLimit
from limits import parse

from api.errors import Problem, problem_response

EXTENSION = "claimtrack_limiter"


def _retry_after(reset_at: float) -> int:
    return max(1, math.ceil(reset_at - time.time()))


def _key_of_caller() -> str:
    return f"key:{g.api_key.id}"


def _too_many_with_this_key(limit: RequestLimit):
    # The store's own reset time (`window[0]`): RequestLimit.reset_at adds a second and truncates,
    # which made Retry-After 61 s now and then for a 1-minute window.
    seconds = _retry_after(limit.window[0])
    return problem_response(Problem(429, f"Too many requests with this key (limit: {limit.limit}); retry in "
                                         f"{seconds} s.", slug="rate-limited", headers={"Retry-After": str(seconds)}))


def init_rate_limits(app: Flask, per_key_per_minute: int, auth_failures_per_minute: int, storage_url: str) -> None:
    """Call after init_auth: the per-key limit needs to know the key."""
    limiter = Limiter(
        key_func=_key_of_caller,
        app=app,
        default_limits=[f"{per_key_per_minute}/minute"] if per_key_per_minute > 0 else [],
        default_limits_exempt_when=lambda: "api_key" not in g,
        strategy="sliding-window-counter",
        storage_uri=storage_url,
        on_breach=_too_many_with_this_key,
        # A store that is down must not take the API down with it: log and let requests through.
        swallow_errors=True,
    )
    app.extensions[EXTENSION] = (limiter, parse(f"{auth_failures_per_minute}/minute")
                                 if auth_failures_per_minute > 0 else None)


def refuse_if_failing_authentication() -> None:
    """429 when this client address has used up its failed authentications."""
    limiter, failures = current_app.extensions.get(EXTENSION, (None, None))
    if failures is None:
        return
    try:
        allowed = limiter.limiter.test(failures, "auth-failures", request.remote_addr or "")
    except Exception:  # the store is down: see swallow_errors above
        return
    if not allowed:
        reset_at, _ = limiter.limiter.get_window_stats(failures, "auth-failures", request.remote_addr or "")
        seconds = _retry_after(reset_at)
        raise Problem(429, f"Too many failed authentications from this address (limit: {failures}); retry in "
                           f"{seconds} s.", slug="rate-limited", headers={"Retry-After": str(seconds)})


def count_failed_authentication() -> None:
    limiter, failures = current_app.extensions.get(EXTENSION, (None, None))
    if failures is None:
        return
    try:
        limiter.limiter.hit(failures, "auth-failures", request.remote_addr or "")
    except Exception:
        pass
