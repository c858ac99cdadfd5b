"""The one keyset pagination helper: `sort` + `cursor` + `limit` over any model query.

A page is `WHERE (sort_value, id) > (last_value, last_id) ORDER BY sort_value, id LIMIT n+1`,
which an index on (sort column, id) answers at the same cost on page 1 and page 10,000.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import peewee

from api.domain.cursors import MAX_ROW_ID, InvalidCursor, decode_cursor, encode_cursor
from api.domain.errors import Invalid

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


@dataclass
class Page:
    items: list
    next_cursor: str | None


def _to_cursor_value(value):
    return value.strftime(TIMESTAMP_FORMAT) if isinstance(value, dt.datetime) else value


def _from_cursor_value(field: peewee.Field, value):
    """The sort value a cursor carries, checked against the field it sorts by: a tampered
    cursor (a number where a timestamp belongs, NULL for a required field) is InvalidCursor,
    never a query the database refuses."""
    if value is None:
        if field.null:
            return None
    elif isinstance(field, peewee.DateTimeField):
        try:
            return dt.datetime.strptime(value, TIMESTAMP_FORMAT)
        except (TypeError, ValueError):
            pass
    elif isinstance(field, (peewee.CharField, peewee.TextField)):
        if isinstance(value, str):
            return value
    elif isinstance(field, peewee.IntegerField):
        if isinstance(value, int) and abs(value) <= MAX_ROW_ID:
            return value
    raise InvalidCursor("The cursor is not one this API issued.")


def _after(field: peewee.Field, row_id_field: peewee.Field, value, last_id: int, descending: bool):
    """Rows after (value, last_id) in the page order. NULL sorts after every value (ascending
    NULLS LAST, descending NULLS FIRST) on SQLite and PostgreSQL alike, where a plain row
    comparison with NULL is NULL and would drop those rows."""
    key, last = peewee.Tuple(field, row_id_field), peewee.Tuple(value, last_id)
    if not field.null:
        return key < last if descending else key > last
    if descending:
        if value is None:
            return (field.is_null() & (row_id_field < last_id)) | field.is_null(False)
        return field.is_null(False) & (key < last)
    if value is None:
        return field.is_null() & (row_id_field > last_id)
    return (field.is_null(False) & (key > last)) | field.is_null()


def cursor_position(field: peewee.Field, sort: str, cursor: str | None) -> tuple | None:
    """(sort value, id) of the row a page continues after, from its cursor; None without one.
    Invalid (slug invalid-cursor) for a cursor this API did not issue for this sort."""
    if not cursor:
        return None
    try:
        value, last_id = decode_cursor(cursor, sort)
        return _from_cursor_value(field, value), last_id
    except InvalidCursor as error:
        raise Invalid("cursor", str(error), slug="invalid-cursor") from None


def page_query(query: peewee.ModelSelect, *, sort: str, after: tuple | None, limit) -> peewee.ModelSelect:
    """`query` in `sort` order, from the row after `after` (cursor_position) on, `limit` rows."""
    model = query.model
    field = getattr(model, sort.lstrip("-"))
    descending = sort.startswith("-")
    if after is not None:
        query = query.where(_after(field, model.id, *after, descending))
    # NULLS only where a NULL can be: on SQLite an explicit NULLS LAST keeps an index from
    # giving the order, and most sort keys are required.
    nulls = ("FIRST" if descending else "LAST") if field.null else None
    order = (field.desc(nulls=nulls), model.id.desc()) if descending else (field.asc(nulls=nulls), model.id.asc())
    return query.order_by(*order).limit(limit)


def page_of(rows: list, *, sort: str, limit: int) -> Page:
    """The page of `rows` (read with limit + 1: one more tells that a next page exists)."""
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(sort, _to_cursor_value(getattr(last, sort.lstrip("-"))), last.id)
    return Page(items=rows, next_cursor=next_cursor)


@dataclass
class PageRows:
    """A page's rows as the database gave them (`limit` + 1 read), before any conversion.
    `version` is what a page's stored representation is kept under: the rows themselves (their
    ids, versions and sort values, without a column confirming the caller's key), so it changes
    whenever an item, the items' order or the next cursor would. `page()` converts them
    (`convert`: raw rows → rows as the query gives them) into the Page, which only a page whose
    representation must be built needs."""

    rows: list[tuple]
    version: tuple
    convert: Callable[[list[tuple]], list]
    sort: str
    limit: int

    def page(self) -> Page:
        return page_of(self.convert(self.rows), sort=self.sort, limit=self.limit)


def paginate(query: peewee.ModelSelect, *, sort: str, cursor: str | None, limit: int) -> Page:
    """One page of `query` in `sort` order ('created_at' or '-created_at', …)."""
    after = cursor_position(getattr(query.model, sort.lstrip("-")), sort, cursor)
    return page_of(list(page_query(query, sort=sort, after=after, limit=limit + 1)), sort=sort, limit=limit)
