"""LocalSlidingWindows (memory:// rate limits) answers as the `limits` library's sliding-window
counter over its own memory store does, which it replaces on the hot path."""
from __future__ import annotations

import random
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from api.ratelimit import LocalSlidingWindows


def test_local_windows_agree_with_limits_sliding_window_counter(monkeypatch):
    clock = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    ours, theirs = LocalSlidingWindows(), SlidingWindowCounterRateLimiter(MemoryStorage())
    limits = [parse("5/minute"), parse("3/second")]
    steps = random.Random(17)
    answers = []
    for _ in range(3000):
        # Mostly requests close together, now and then a pause of one or more windows.
        clock[0] += steps.choice([0.0, 0.0, 0.0, 0.01, 0.05, 0.3, 0.3, 2.5, 7.0, 45.0, 130.0])
        item, who = steps.choice(limits), steps.choice(["key-1", "192.0.2.7"])
        operation = steps.choice(["hit", "hit", "hit", "test", "stats"])
        if operation == "stats":
            mine, reference = ours.get_window_stats(item, who), theirs.get_window_stats(item, who)
            answers.append((tuple(mine), tuple(reference)))
        else:
            answers.append((getattr(ours, operation)(item, who), getattr(theirs, operation)(item, who)))
    assert {mine if isinstance(mine, bool) else "stats" for mine, _ in answers} == {True, False, "stats"}
    assert [mine for mine, _ in answers] == [reference for _, reference in answers]
