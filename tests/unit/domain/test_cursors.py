"""Keyset cursors: opaque, tied to the sort they were made for."""
from __future__ import annotations

import pytest

from api.domain.cursors import InvalidCursor, decode_cursor, encode_cursor


def test_a_cursor_gives_back_the_sort_value_and_id_it_was_made_with():
    cursor = encode_cursor("-created_at", "2025-08-15T19:00:00.000000", 42)
    assert "=" not in cursor and "created_at" not in cursor
    assert decode_cursor(cursor, "-created_at") == ("2025-08-15T19:00:00.000000", 42)


def test_a_cursor_for_another_sort_is_refused_naming_both():
    cursor = encode_cursor("created_at", "x", 1)
    with pytest.raises(InvalidCursor, match="sort='created_at', not sort='updated_at'"):
        decode_cursor(cursor, "updated_at")


@pytest.mark.parametrize("cursor", ["", "!!!", "bm90IGpzb24", encode_cursor("created_at", [1], 1),
                                    encode_cursor("created_at", "x", True)])
def test_anything_this_api_did_not_issue_is_refused(cursor):
    with pytest.raises(InvalidCursor, match="not one this API issued"):
        decode_cursor(cursor, "created_at")
