"""Roles and what each may do: reader < checker < admin."""
from __future__ import annotations

ROLES = ("reader", "checker", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}


def role_allows(have: str, need: str) -> bool:
    return _RANK.get(have, -1) >= _RANK[need]


def default_role_for(method: str) -> str:
    """Reading needs a reader, writing a checker, deleting an admin."""
    if method in ("GET", "HEAD", "OPTIONS"):
        return "reader"
    if method == "DELETE":
        return "admin"
    return "checker"
