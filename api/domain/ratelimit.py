"""Token buckets: each key may burst up to `capacity` requests, refilled at `rate` per second."""
from __future__ import annotations

import math
import threading


class TokenBuckets:
    def __init__(self, per_minute: int, burst: int | None = None):
        self.rate = per_minute / 60.0
        self.capacity = float(burst or max(1, per_minute // 6))  # a tenth of a minute's worth
        self._buckets: dict[object, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key, now: float) -> float:
        """Spend one token for `key`; 0 if allowed, else seconds until a token is back."""
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate if self.rate else math.inf
