"""Small pieces every service uses: lookups that 404, version bumps, common filters."""
from __future__ import annotations

from collections import defaultdict

import peewee

from api.conditional import check_if_match, etag_of
from api.db import database, is_postgres
from api.domain.ids import encode_id
from api.domain.errors import Invalid, NotFound, PreconditionFailed
from api.domain.text import fulltext_words
from api.models import Claim, Event, utcnow
from api.models.prepared import PreparedQuery, row_by_id


def kind_of(model) -> str:
    return model.__name__.lower()


def _found_or_404(row, model, pk: int):
    if row is None:
        raise NotFound.of(kind_of(model), encode_id(kind_of(model), pk))
    return row


def get_or_404(model, pk: int):
    """The row with this key; NotFound naming its public id."""
    return _found_or_404(row_by_id(model, pk), model, pk)


def get_locked_or_404(model, pk: int, fields=()):
    """The row (only `fields`, if given), locked until the transaction ends, so writers that
    read it before writing take turns. SQLite's BEGIN IMMEDIATE already serialises writers;
    PostgreSQL needs the lock. Prepared once per model and fields (every write starts here)."""
    prepared = _LOCKED.get((model, tuple(fields)))
    if prepared is None:
        prepared = _LOCKED.setdefault((model, tuple(fields)), PreparedQuery(lambda marker: locking(
            model.select(*fields).where(model.id == marker))))
    rows = prepared(pk)
    return _found_or_404(rows[0] if rows else None, model, pk)


_LOCKED: dict[tuple, PreparedQuery] = {}


def locking(query):
    """The query, locking the rows it reads until the transaction ends (see get_locked_or_404).
    Call it where a PreparedQuery prepares its SQL: once per database dialect."""
    return query.for_update() if is_postgres() else query


def lock_merge_pair(model, pk: int, duplicate_pk: int):
    """(row, duplicate) for folding `duplicate_pk` into `pk`, both locked until the transaction
    ends. Raises NotFound (unknown `pk`) and Invalid on the field `duplicate` (the same id, or
    an unknown duplicate). Shared by the people and event merges."""
    row = get_locked_or_404(model, pk)
    noun = kind_of(model)
    if pk == duplicate_pk:
        article = "An" if noun[0] in "aeiou" else "A"
        raise Invalid("duplicate", f"{article} {noun} cannot be merged into itself.",
                      errors={"duplicate": [f"must differ from the {noun} merged into"]})
    require_existing(model, [duplicate_pk], "duplicate")
    return row, get_locked_or_404(model, duplicate_pk)


def etag_for(row, counts: dict[str, int] | None = None) -> str:
    """Changes whenever the representation does: the version, and a source's counts (which
    other resources change). Verdicts never change: they have no version."""
    suffix = "".join(f".{name[0]}{count}" for name, count in sorted((counts or {}).items()))
    return etag_of_version(type(row), row.id, getattr(row, "version", 1), suffix)


def etag_of_version(model, pk: int, version: int, suffix: str = "") -> str:
    """etag_for a row of `model` known only by its key and version (nothing else read)."""
    return etag_of(encode_id(kind_of(model), pk), version, suffix)


def check_etag(row, if_match: str | None, counts: dict[str, int] | None = None) -> None:
    """PreconditionFailed if `if_match` (the raw If-Match header) names another version of this row."""
    check_if_match(etag_for(row, counts), if_match)


def save_changes(row, changes: dict, *, if_match: str | None = None, counts: dict[str, int] | None = None) -> None:
    """Apply an edit: check If-Match against the copy read, then advance the version.

    Callers read `row` with get_locked_or_404, so concurrent editors take turns: without
    If-Match the last writer wins; with it, of two editors holding the same ETag exactly one
    wins and the other gets PreconditionFailed. The UPDATE still only matches the version
    read, a guard should a caller forget the lock.
    """
    model = type(row)
    check_etag(row, if_match, counts)
    now = utcnow()
    values = {**changes, "updated_at": now, "version": row.version + 1}
    updated = model.update(values).where((model.id == row.id) & (model.version == row.version)).execute()
    if updated != 1:
        raise PreconditionFailed("The resource changed while you were editing it: GET it again and retry.")
    for name, value in values.items():
        setattr(row, name, value)


def touch_claims(condition) -> None:
    """A claim's representation embeds its claimant's and events' names: when those change, the
    claims' versions (and so their ETags) must change too, or a cached copy would pass as current."""
    Claim.update(version=Claim.version + 1, updated_at=utcnow()).where(condition).execute()


def touch_events(condition) -> None:
    """Events embed their participants' names: the same rule as touch_claims."""
    Event.update(version=Event.version + 1, updated_at=utcnow()).where(condition).execute()


def require_existing(model, pks: list[int], field: str) -> None:
    """422 naming the field if any referenced id does not exist."""
    wanted = set(pks)
    if not wanted:
        return
    found = {r.id for r in model.select(model.id).where(model.id.in_(list(wanted)))}
    missing = [encode_id(kind_of(model), pk) for pk in pks if pk not in found]
    if missing:
        raise Invalid(field, f"No {kind_of(model)} with id {', '.join(missing)}.")


TIME_FILTERS = ("created_after", "created_before", "updated_after", "updated_before")


def time_filters(query, model, filters: dict):
    for name in TIME_FILTERS:
        value = filters.get(name)
        if value is not None:
            field = getattr(model, name.split("_")[0] + "_at")
            query = query.where(field > value if name.endswith("_after") else field < value)
    return query


def full_text_match(model, q: str) -> peewee.Expression:
    """`model.id IN (…)` through the full-text index: FTS5 on SQLite, tsvector + GIN on PostgreSQL."""
    return full_text_in(model, full_text_query(q))


def full_text_query(q: str) -> str | None:
    """The search text as this database's full-text index is asked (the parameter of
    full_text_in), or None when `q` has no searchable word."""
    words = fulltext_words(q)  # folded as the indexes fold documents (migration 0004)
    if not words:
        return None
    if is_postgres():
        return " ".join(words)
    # Each word quoted: FTS5 operators in user input stay plain words.
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def full_text_in(model, query) -> peewee.Expression:
    """`model.id IN (…)` for a full_text_query (a value, or a Param of a prepared query); None
    (nothing searchable) matches nothing rather than everything."""
    if query is None:
        return model.id.in_([])
    table = model._meta.table_name
    if is_postgres():
        subquery = peewee.SQL(f"(SELECT id FROM {table} WHERE search @@ plainto_tsquery('simple', %s))", [query])
    else:
        subquery = peewee.SQL(f"(SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)", [query])
    return model.id.in_(subquery)


def read_snapshot():
    """One consistent view for a multi-query read: rows written meanwhile are not half in it.

    SQLite: a deferred transaction reads one WAL snapshot without taking the write lock that
    this app's default BEGIN IMMEDIATE would (writers carry on). PostgreSQL: repeatable read.
    """
    return database.atomic("REPEATABLE READ") if is_postgres() else database.atomic("DEFERRED")


def group_by(rows, key) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped

