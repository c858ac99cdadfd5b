"""Rate limits, kept by the `limits` library (sliding-window counters) in the store
CLAIMTRACK_RATELIMIT_STORAGE_URL names.

- Every authenticated request counts against its API key: CLAIMTRACK_RATE_LIMIT_PER_MINUTE
  (sliding window). Open endpoints (/healthz, /readyz, docs) are not limited.
- Every failed authentication (no, malformed, unknown or revoked key) counts against the
  client's address: CLAIMTRACK_AUTH_FAILURES_PER_MINUTE. Over it, even a valid key from that
  address is refused with 429 until the window moves on, so keys cannot be guessed at speed.

The default store, `memory://`, lives in each gunicorn worker process: with W workers a client
can get up to W times the limit. A shared store (`redis://host:6379`, with the `redis` extra
installed) makes the limits exact across workers and machines.

Each request makes one call to the window strategy (`hit`). Flask-Limiter, used here before, resolved
and filtered its route, blueprint and default limits on every request first: about a fifth of a
cached claim GET's CPU in process (bench/RESULTS.md, issue #17). With `memory://` the windows are
LocalSlidingWindows (the same arithmetic in a dict) rather than the `limits` memory store, whose
lock per key and expiry timer cost another seventh of a cached claim GET.
"""
from __future__ import annotations

import logging
import math
import threading
import time

from flask import Flask, current_app, g, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from limits.util import WindowStats

from api.errors import Problem, problem_response

EXTENSION = "claimtrack_limiter"
log = logging.getLogger(__name__)


class LocalSlidingWindows:
    """The sliding-window counter of `limits` (SlidingWindowCounterRateLimiter over its memory://
    store) kept in a dict of this process: `hit`, `test` and `get_window_stats` as that strategy
    answers them. Windows are `item.get_expiry()` seconds long, aligned on the epoch; the previous
    window's count is weighted by the share of it that still lies within the last window length.

    The `limits` memory store does the same with a lock per key, formatted keys, and a timer thread
    (a greenlet under gevent) started every 10 ms to expire old keys. Here a window is dropped
    when its key is next met, and the whole dict is swept of stale keys once it holds more than
    SWEEP_AT of them (one per API key, one per address that failed to authenticate)."""

    SWEEP_AT = 10_000

    def __init__(self):
        # (identifiers, amount, expiry) → [index of the current window, previous count, current count]
        self._windows: dict[tuple, list] = {}
        self._lock = threading.Lock()

    def _counts(self, item: RateLimitItem, identifiers: tuple, now: float) -> tuple[list, float, int]:
        """(the key's window entry, now shifted into the current window, the window length in s)."""
        expiry = item.get_expiry()
        index = int(now // expiry)
        key = (identifiers, item.amount, expiry)
        entry = self._windows.get(key)
        if entry is None:
            if len(self._windows) >= self.SWEEP_AT:
                self._windows = {k: e for k, e in self._windows.items() if e[0] >= index - 1}
            entry = self._windows[key] = [index, 0, 0]
        elif entry[0] != index:
            # One window on: the current count becomes the previous one; further on: both are gone.
            entry[1:] = [entry[2], 0] if entry[0] == index - 1 else [0, 0]
            entry[0] = index
        return entry, now % expiry, expiry

    @staticmethod
    def _weighted(entry: list, into: float, expiry: int) -> float:
        return entry[1] * (expiry - into) / expiry + entry[2]

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        """Count one request (`cost`) unless that would exceed the limit; whether it was counted."""
        with self._lock:
            entry, into, expiry = self._counts(item, identifiers, time.time())
            if cost > item.amount or math.floor(self._weighted(entry, into, expiry)) + cost > item.amount:
                return False
            entry[2] += cost
            return True

    def test(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        """Whether `cost` more would still be within the limit (nothing counted)."""
        with self._lock:
            entry, into, expiry = self._counts(item, identifiers, time.time())
            return self._weighted(entry, into, expiry) < item.amount - cost + 1

    def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        """(when the next request would be counted again, as an epoch time; requests left)."""
        now = time.time()
        with self._lock:
            entry, into, expiry = self._counts(item, identifiers, now)
            previous, current = entry[1], entry[2]
            remaining = max(0, item.amount - math.floor(self._weighted(entry, into, expiry)))
        if not (previous or current):
            return WindowStats(now, remaining)
        left = expiry - into  # of the current window
        previous_reset = left % (expiry / previous) if previous else math.inf
        current_reset = left % expiry if current else math.inf
        return WindowStats(now + min(previous_reset, current_reset), remaining)


def _retry_after(reset_at: float) -> int:
    return max(1, math.ceil(reset_at - time.time()))


def _too_many_with_this_key(limit: RateLimitItem, reset_at: float):
    seconds = _retry_after(reset_at)
    return problem_response(Problem(429, f"Too many requests with this key (limit: {limit}); retry in "
                                         f"{seconds} s.", slug="rate-limited", headers={"Retry-After": str(seconds)}))


# Set by a read served before Flask (api.cached_reads) once it counted the request against its key:
# should Flask answer it after all, the hook does not count it twice.
COUNTED_KEY = "claimtrack.rate_counted_key"


class Limits:
    """The limits of this app over its store: per key (None: unlimited) and failed authentications
    per address (None: unlimited). Flask's hooks and the reads served before Flask
    (api.cached_reads) both ask these, so a request counts the same whichever answers it."""

    def __init__(self, strategy, per_key: RateLimitItem | None, failures: RateLimitItem | None):
        self.strategy, self.per_key, self.failures = strategy, per_key, failures

    def count_key(self, key_id: int) -> float | None:
        """Count one request against the key: None when it is within the limit (or there is
        none, or the store is down: a store that is down must not take the API down with it),
        else the epoch time when the key may ask again (nothing was counted)."""
        if self.per_key is None:
            return None
        key = str(key_id)
        try:
            if self.strategy.hit(self.per_key, "key", key):
                return None
            # The store's own reset time: RequestLimit.reset_at (Flask-Limiter) added a second and
            # truncated, which made Retry-After 61 s now and then for a 1-minute window.
            return self.strategy.get_window_stats(self.per_key, "key", key).reset_time
        except Exception:
            log.warning("rate limits: the store could not be reached", exc_info=True)
            return None

    def failing_authentication(self, address: str) -> float | None:
        """None while `address` may still try to authenticate (or the store is down), else the
        epoch time when it may again."""
        if self.failures is None:
            return None
        try:
            if self.strategy.test(self.failures, "auth-failures", address):
                return None
            return self.strategy.get_window_stats(self.failures, "auth-failures", address).reset_time
        except Exception:  # the store is down: let requests through (see count_key)
            return None

    def count_failed_authentication(self, address: str) -> None:
        if self.failures is None:
            return
        try:
            self.strategy.hit(self.failures, "auth-failures", address)
        except Exception:
            pass


def limits_of(app: Flask) -> Limits:
    return app.extensions[EXTENSION]


def init_rate_limits(app: Flask, per_key_per_minute: int, auth_failures_per_minute: int, storage_url: str) -> None:
    """Call after init_auth: the per-key limit needs to know the key."""
    strategy = LocalSlidingWindows() if storage_url.startswith("memory://") \
        else SlidingWindowCounterRateLimiter(storage_from_string(storage_url))
    limits = app.extensions[EXTENSION] = Limits(
        strategy, parse(f"{per_key_per_minute}/minute") if per_key_per_minute > 0 else None,
        parse(f"{auth_failures_per_minute}/minute") if auth_failures_per_minute > 0 else None)
    if limits.per_key is None:
        return

    @app.before_request
    def count_against_the_key():
        """Every authenticated request counts against its key (open endpoints set no key)."""
        if "api_key" not in g or request.environ.get(COUNTED_KEY) == g.api_key.id:
            return None
        reset_at = limits.count_key(g.api_key.id)
        return None if reset_at is None else _too_many_with_this_key(limits.per_key, reset_at)


def refuse_if_failing_authentication() -> None:
    """429 when this client address has used up its failed authentications."""
    limits = current_app.extensions.get(EXTENSION)
    reset_at = limits and limits.failing_authentication(request.remote_addr or "")
    if reset_at:
        seconds = _retry_after(reset_at)
        raise Problem(429, f"Too many failed authentications from this address (limit: {limits.failures}); retry in "
                           f"{seconds} s.", slug="rate-limited", headers={"Retry-After": str(seconds)})


def count_failed_authentication() -> None:
    limits = current_app.extensions.get(EXTENSION)
    if limits is not None:
        limits.count_failed_authentication(request.remote_addr or "")
