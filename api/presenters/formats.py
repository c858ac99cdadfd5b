"""How ids and timestamps are written in every representation (JSON, NDJSON export, CSV)."""
from __future__ import annotations

from functools import lru_cache

from api.domain.ids import encode_id
from schemas.common import Timestamp

_TIMESTAMP = Timestamp()


def stamp(row, name: str) -> str | None:
    """The RFC 3339 form of the timestamp `name` of a row (a model or a dict)."""
    return _TIMESTAMP.serialize(name, row)


@lru_cache(maxsize=65_536)  # encoding is an export's hot spot; sources and people recur on many lines
def ref(kind: str, pk: int | None) -> str | None:
    """The public id of a key, or None."""
    return None if pk is None else encode_id(kind, pk)
