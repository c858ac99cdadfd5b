"""API keys (never their secrets, except the once at creation)."""
from __future__ import annotations

from api.services.keys import CreatedKey


def present_key(key) -> dict:
    return {"id": key.id, "name": key.name, "role": key.role, "created_at": key.created_at,
            "revoked_at": key.revoked_at}


def present_created_key(created: CreatedKey) -> dict:
    """CreatedKeySchema: the key and, this once, its secret."""
    return {**present_key(created.key), "key": created.token}
