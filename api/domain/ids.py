"""Public ids: a type prefix and an opaque code for the row's integer key (`clm_k3x9q2ma`).

Integer keys keep joins, indexes and full-text rowids cheap; sqids makes them opaque and
rejects strings that no key encodes, so an invalid id is a plain 404, never a query error.
"""
from __future__ import annotations

from functools import lru_cache

from sqids import Sqids

PREFIXES = {
    "source": "src",
    "person": "per",
    "event": "evt",
    "claim": "clm",
    "verdict": "vrd",
    "mention": "men",
    "key": "key",
    "audit": "aud",
    "job": "job",
}

_sqids = Sqids(alphabet="k3x9q2mavb7nc5tr8pzh4wyd6fjegs", min_length=8)
_MAX_ID_LENGTH = 32
_MAX_KEY = 2**63 - 1  # a BIGINT key


@lru_cache(maxsize=65536)  # pure, and called for every id of every page served
def encode_id(kind: str, pk: int) -> str:
    return f"{PREFIXES[kind]}_{_sqids.encode([pk])}"


def kind_of_id(public_id: str) -> str | None:
    """The kind a public id names by its prefix ('clm_…' → 'claim'), or None."""
    prefix = public_id.split("_", 1)[0] if isinstance(public_id, str) else ""
    return next((kind for kind, p in PREFIXES.items() if p == prefix), None)


@lru_cache(maxsize=65536)
def decode_id(kind: str, public_id: str) -> int | None:
    """The integer key behind a public id of this kind, or None if it is not one."""
    prefix = PREFIXES[kind] + "_"
    if not isinstance(public_id, str) or not public_id.startswith(prefix) or len(public_id) > _MAX_ID_LENGTH:
        return None
    code = public_id[len(prefix):]
    numbers = _sqids.decode(code)  # [] for characters outside the alphabet
    # Only the canonical encoding of one key is an id: several strings can decode to the same
    # number, and some to numbers beyond any key (which sqids cannot encode back).
    if len(numbers) != 1 or not 0 < numbers[0] <= _MAX_KEY or _sqids.encode(numbers) != code:
        return None
    return numbers[0]
