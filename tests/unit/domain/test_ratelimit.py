from api.domain.ratelimit import TokenBuckets


def test_a_key_may_burst_then_waits_for_tokens_to_refill():
    buckets = TokenBuckets(per_minute=60, burst=3)
    assert [buckets.take("k", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = buckets.take("k", now=0.0)
    assert 0.99 < wait <= 1.0
    assert buckets.take("k", now=1.0) == 0.0


def test_keys_have_separate_buckets():
    buckets = TokenBuckets(per_minute=60, burst=1)
    assert buckets.take("a", now=0.0) == 0.0
    assert buckets.take("b", now=0.0) == 0.0
    assert buckets.take("a", now=0.0) > 0
