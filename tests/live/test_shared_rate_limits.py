"""Rate limits in a shared store: with CLAIMTRACK_RATELIMIT_STORAGE_URL on Redis, every worker
counts against one limit, so the configured number is exact however many workers serve."""
from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.conftest import REDIS_URL
from tests.support import serving

pytestmark = pytest.mark.redis

LIMIT = 6


def status(url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def redis_store():
    import redis
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()  # this test's own database: no window left over from an earlier run
    yield REDIS_URL
    client.flushdb()


def test_the_per_key_limit_is_shared_by_every_worker(api, tokens, database_url, tmp_path, redis_store):
    with serving(database_url, tmp_path / "server.log", workers=4,
                 CLAIMTRACK_RATELIMIT_STORAGE_URL=redis_store,
                 CLAIMTRACK_RATE_LIMIT_PER_MINUTE=str(LIMIT)) as base:
        answers = [status(f"{base}/v1/claims", tokens["reader"]) for _ in range(3 * LIMIT)]
    # Per-process counting would let up to 4 × LIMIT through across four workers.
    assert answers == [200] * LIMIT + [429] * (2 * LIMIT)


def test_failed_authentications_are_counted_across_workers(api, tokens, database_url, tmp_path, redis_store):
    with serving(database_url, tmp_path / "server.log", workers=4,
                 CLAIMTRACK_RATELIMIT_STORAGE_URL=redis_store,
                 CLAIMTRACK_AUTH_FAILURES_PER_MINUTE=str(LIMIT)) as base:
        answers = [status(f"{base}/v1/claims", "ctk_not_a_key") for _ in range(2 * LIMIT)]
        valid_after = status(f"{base}/v1/claims", tokens["reader"])
    assert answers == [401] * LIMIT + [429] * LIMIT
    assert valid_after == 429  # the address is refused until the window moves on, even with a valid key
