"""API keys: random secrets shown once, stored only as SHA-256."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import NamedTuple

from api.db import database, is_postgres
from api.domain.errors import Conflict, Unauthenticated
from api.domain.ids import decode_id, encode_id
from api.domain.roles import ROLES
from api.models import ApiKey, utcnow
from api.models.prepared import PreparedQuery, row_by_id
from api.services import audit

TOKEN_PREFIX = "ctk"


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    token: str  # the only time the secret exists outside the client


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_key(name: str, role: str, *, actor: audit.Actor = audit.CLI) -> CreatedKey:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not name or len(name) > 200:
        raise ValueError("name must be 1..200 characters")
    with database.atomic():
        key = ApiKey.create(name=name, role=role, secret_hash="")
        # 192 random bits; the key id rides along so a lookup is one primary-key read.
        token = f"{TOKEN_PREFIX}_{encode_id('key', key.id).split('_', 1)[1]}_{secrets.token_hex(24)}"
        key.secret_hash = _hash(token)
        key.save()
        audit.record(actor, "create", "key", key.id, role=role)
    return CreatedKey(key=key, token=token)


# Tokens this process has proved, with their keys: a later request with the same token skips
# hashing it and building the key, and only reads whether the key is still active: the hash of
# the key while it is not revoked (one read by primary key), alone (find_key) or as one more column
# of the request's own first read (KeyCheck). Revocation is a write to that row, so every worker
# sees it on its next request. Bounded: emptied when full (a deployment has a handful of keys).
_proved: dict[str, ApiKey] = {}
_PROVED_AT_MOST = 1024
UNKNOWN_OR_REVOKED = "The API key is unknown or revoked."


def active_hash_of(key_id):
    """A scalar subquery, usable as a column of any SELECT: the key's secret hash while it is
    active, NULL once revoked (or when no such key exists). An indexed read by primary key,
    evaluated once per statement."""
    return ApiKey.select(ApiKey.secret_hash).where((ApiKey.id == key_id) & ApiKey.revoked_at.is_null())


_active_hash = PreparedQuery(lambda key_id: ApiKey.select(ApiKey.secret_hash)
                             .where((ApiKey.id == key_id) & ApiKey.revoked_at.is_null()).tuples())


class KeyCheck(NamedTuple):
    """A key this process proved before (proved_key), to be confirmed by the request's first read:
    that read carries active_hash_of(key_id) as a column, and confirm_key compares it."""

    key_id: int
    secret_hash: str


def find_key(token: str) -> ApiKey | None:
    """The active key this token proves, or None. Compares hashes in constant time; a token
    proved before is checked against its key's current revocation and hash instead (both read
    on every request, so revocation takes effect at once in every worker)."""
    known = _proved.get(token)
    if known is not None:
        state = _active_hash(known.id)
        if state and hmac.compare_digest(state[0][0], known.secret_hash):
            return known
        _proved.pop(token, None)  # revoked, or another database: prove it again from scratch
    key = _prove(token)
    if key is not None:
        if len(_proved) >= _PROVED_AT_MOST:
            _proved.clear()
        _proved[token] = key
    return key


def proved_key(token: str) -> ApiKey | None:
    """The key this process proved the token to be before, as it was then, without reading
    anything; None if it has not. Only with a KeyCheck confirmed by the request's first read
    (confirm_key) may it be trusted."""
    return _proved.get(token)


def confirm_key(check: KeyCheck | None, found_hash: str | None) -> None:
    """Raise Unauthenticated unless `found_hash` (active_hash_of, read in the same statement as
    the request's data) is the hash the key was proved with: it was revoked meanwhile, or this
    is another database. Its tokens are then forgotten, so the next request proves them anew.
    No check (None): the key was read by find_key already."""
    if check is None:
        return
    if found_hash is None or not hmac.compare_digest(found_hash, check.secret_hash):
        for token in [t for t, key in _proved.items() if key.id == check.key_id]:
            _proved.pop(token, None)
        raise Unauthenticated(UNKNOWN_OR_REVOKED)


def confirm_key_by(check: KeyCheck | None, rows: list, hash_of) -> None:
    """confirm_key with the key's state `hash_of(row)` carried by the first of `rows` (read with an
    active_hash_of column); with a read of its own when there is none (a 404, an empty page)."""
    if check is not None:
        if rows:
            confirm_key(check, hash_of(rows[0]))
        else:
            confirm_key_alone(check)


def confirmed_read(check: KeyCheck | None, read, read_with_key, *args) -> list[tuple]:
    """`read(*args)`'s rows (tuples). With `check`, those of `read_with_key(*args, check.key_id)`
    instead, the same read with active_hash_of as its last column, which confirms the key
    (confirm_key_by) and is then cut off: the key costs no statement of its own."""
    if check is None:
        return read(*args)
    rows = read_with_key(*args, check.key_id)
    confirm_key_by(check, rows, lambda row: row[-1])
    return [row[:-1] for row in rows]


def confirm_key_alone(check: KeyCheck | None) -> None:
    """confirm_key with a read of its own: for a request whose read found no row to carry the
    key's state, or that never read."""
    if check is not None:
        rows = _active_hash(check.key_id)
        confirm_key(check, rows[0][0] if rows else None)


def _prove(token: str) -> ApiKey | None:
    parts = token.split("_")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    pk = decode_id("key", f"key_{parts[1]}")
    if pk is None:
        return None
    key = row_by_id(ApiKey, pk)
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.secret_hash, _hash(token)):
        return None
    return key


def list_keys() -> list[ApiKey]:
    return list(ApiKey.select().order_by(ApiKey.id))


def revoke_key(pk: int, *, actor: audit.Actor) -> ApiKey | None:
    """Revoke the key (once); None if there is no such key. Raises Conflict (slug last-admin-key)
    rather than revoke the last active admin key, which would leave nobody able to manage keys
    over the API."""
    key = row_by_id(ApiKey, pk)
    if key is not None and key.revoked_at is None:
        with database.atomic():
            if key.role == "admin":
                admins = ApiKey.select(ApiKey.id).where((ApiKey.role == "admin") & ApiKey.revoked_at.is_null())
                # Two admins revoking each other at once take turns (SQLite's BEGIN IMMEDIATE
                # already serialises writers), so one of them always stays.
                active = [row.id for row in (admins.for_update() if is_postgres() else admins)]
                if active == [key.id]:
                    raise Conflict("This is the last active admin key: create another admin key "
                                   "before revoking it.", slug="last-admin-key")
            key.revoked_at = utcnow()
            key.save()
            audit.record(actor, "revoke", "key", key.id)
    return key
