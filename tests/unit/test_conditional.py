"""If-Match and If-None-Match, checked on plain values (the raw header, or None)."""
from __future__ import annotations

import pytest

from api.conditional import check_if_match, etag_of, not_modified
from api.domain.errors import Malformed, PreconditionFailed

CURRENT = etag_of("clm_k6h8gtxn", 3)


def test_without_if_match_a_write_is_unconditional():
    check_if_match(CURRENT, None)  # no exception: last writer wins


def test_if_match_passes_for_the_current_etag_or_star_and_fails_for_a_stale_one():
    check_if_match(CURRENT, CURRENT)
    check_if_match(CURRENT, f'"other", {CURRENT}')
    check_if_match(CURRENT, "*")
    with pytest.raises(PreconditionFailed):
        check_if_match(CURRENT, etag_of("clm_k6h8gtxn", 2))
    with pytest.raises(PreconditionFailed):
        check_if_match(None, "*")  # no resource to match


def test_a_header_that_is_no_entity_tag_is_malformed():
    with pytest.raises(Malformed) as raised:
        check_if_match(CURRENT, "clm_k6h8gtxn.v3")  # unquoted
    assert raised.value.errors == {"If-Match": ["not an entity tag"]}


def test_if_none_match_names_the_current_representation():
    assert etag_of("clm_k6h8gtxn", 3, ".c1") == '"clm_k6h8gtxn.v3.c1"'
    assert not_modified(CURRENT, CURRENT) and not_modified(CURRENT, "*")
    assert not not_modified(CURRENT, None) and not not_modified(CURRENT, etag_of("clm_k6h8gtxn", 2))


def test_if_match_compares_strongly_and_if_none_match_weakly():
    # RFC 9110 §13.1.1-2: a weak tag never satisfies If-Match; If-None-Match ignores W/.
    with pytest.raises(PreconditionFailed):
        check_if_match(CURRENT, f"W/{CURRENT}")
    assert not_modified(CURRENT, f"W/{CURRENT}")
