"""Opaque keyset cursors: the sort they belong to and the last row's (sort value, id)."""
from __future__ import annotations

import base64
import binascii
import json


# Row ids are BIGINT keys: a larger id is no row of ours, and would overflow the database's
# integer type (a 500) if sent on.
MAX_ROW_ID = 2**63 - 1


class InvalidCursor(ValueError):
    pass


def encode_cursor(sort: str, value, row_id: int) -> str:
    raw = json.dumps([sort, value, row_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[object, int]:
    """(value, id) from a cursor made for this sort; InvalidCursor otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, value, row_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise InvalidCursor("The cursor is not one this API issued.") from None
    if cursor_sort != sort:
        raise InvalidCursor(f"The cursor was made for sort={cursor_sort!r}, not sort={sort!r}.")
    if not isinstance(row_id, int) or isinstance(row_id, bool) or not 0 <= row_id <= MAX_ROW_ID \
            or not isinstance(value, (str, int, float, type(None))) or isinstance(value, bool):
        raise InvalidCursor("The cursor is not one this API issued.")
    return value, row_id
