"""The per-worker cache of serialized representations (api.views.common.Representations): a body
is answered only at the version it was stored with, and the cache stays within its bounds."""
from __future__ import annotations

from api.views.common import Representations


def test_a_body_is_answered_only_at_the_version_it_shows():
    cache = Representations()
    cache.put(("claim", 1, "codepoints"), 3, '"e3"', b"{}")
    assert cache.get(("claim", 1, "codepoints"), 3) == ('"e3"', b"{}")
    assert cache.get(("claim", 1, "codepoints"), 4) is None


def test_the_oldest_bodies_go_first_once_their_bytes_pass_the_bound():
    cache = Representations(max_entries=100, max_bytes=10)
    for key in range(3):
        cache.put(("annotations", key), 1, None, b"abcd")  # 4 bytes each: the third passes 10
    assert cache.get(("annotations", 0), 1) is None
    assert cache.get(("annotations", 1), 1) == (None, b"abcd")
    assert cache.get(("annotations", 2), 1) == (None, b"abcd")


def test_a_replaced_body_no_longer_counts_against_the_bound():
    cache = Representations(max_entries=100, max_bytes=10)
    for version in range(1, 6):
        cache.put(("annotations", 0), version, None, b"abcdefgh")  # 8 bytes, replaced each time
    cache.put(("annotations", 1), 1, None, b"ab")
    assert cache.get(("annotations", 0), 5) == (None, b"abcdefgh")
    assert cache.get(("annotations", 1), 1) == (None, b"ab")
