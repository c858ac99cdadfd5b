"""ETags and conditional requests (If-None-Match → 304, If-Match → 412).

A resource's ETag is its id and version: it changes on every edit, and costs no hashing.
Plain values in, domain exceptions out: the view reads the header and passes its raw value
(None when absent); `Malformed` (→ 400) when it is not a list of entity tags (RFC 9110 §13.1).
"""
from __future__ import annotations

import re

from api.domain.errors import Malformed, PreconditionFailed

_ETAG_LIST = re.compile(r'^\s*(\*|(W/)?"[^"]*"(\s*,\s*(W/)?"[^"]*")*)\s*$')


def etag_of(public_id: str, version: int, extra: str = "") -> str:
    return f'"{public_id}.v{version}{extra}"'


def _tags(header_name: str, raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    if not _ETAG_LIST.match(raw):
        raise Malformed(header_name, f"{header_name} must be an ETag like \"clm_….v3\" (quoted) or *.",
                        slug="invalid-precondition", errors={header_name: ["not an entity tag"]})
    return [tag.strip() for tag in raw.split(",")]


def strong_match(current_etag: str | None, tags: list[str]) -> bool:
    """RFC 9110 §13.1.1 (If-Match): `*`, or a listed tag equal to the current one with neither
    weak. Our ETags are strong, so a `W/` tag never matches: it names a copy we did not make."""
    return current_etag is not None and ("*" in tags or current_etag in tags)


def weak_match(current_etag: str, tags: list[str]) -> bool:
    """RFC 9110 §13.1.2 (If-None-Match): `*`, or a listed tag equal ignoring `W/`."""
    return "*" in tags or current_etag.removeprefix("W/") in (tag.removeprefix("W/") for tag in tags)


def check_if_match(current_etag: str | None, if_match: str | None) -> None:
    """Refuse a write made against a stale copy (lost-update protection). None = no resource.

    `if_match` is the raw If-Match header (None: unconditional). Raises PreconditionFailed."""
    tags = _tags("If-Match", if_match)
    if tags is None:
        return
    if not strong_match(current_etag, tags):
        raise PreconditionFailed("The resource changed since you read it: GET it again and retry with its new ETag.")


def not_modified(current_etag: str, if_none_match: str | None) -> bool:
    """Whether the raw If-None-Match header names the current representation (→ 304): weak comparison."""
    tags = _tags("If-None-Match", if_none_match)
    return tags is not None and weak_match(current_etag, tags)

