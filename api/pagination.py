"""The one keyset pagination helper: `sort` + `cursor` + `limit` over any model query.

A page is `WHERE (sort_value, id) > (last_value, last_id) ORDER BY sort_value, id LIMIT n+1`,
which an index on (sort column, id) answers at the same cost on page 1 and page 10,000.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

import peewee
from flask import request

from api.domain.cursors import InvalidCursor, decode_cursor, encode_cursor
from api.errors import invalid
from api.web import public_base_url

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


@dataclass
class Page:
    items: list
    next_cursor: str | None


def _to_cursor_value(value):
    return value.strftime(TIMESTAMP_FORMAT) if isinstance(value, dt.datetime) else value


def _from_cursor_value(field: peewee.Field, value):
    if isinstance(field, peewee.DateTimeField):
        try:
            return dt.datetime.strptime(value, TIMESTAMP_FORMAT)
        except (TypeError, ValueError):
            raise InvalidCursor("The cursor is not one this API issued.") from None
    return value


def paginate(query: peewee.ModelSelect, *, sort: str, cursor: str | None, limit: int) -> Page:
    """One page of `query` in `sort` order ('created_at' or '-created_at', …)."""
    model = query.model
    name = sort.lstrip("-")
    field = getattr(model, name)
    descending = sort.startswith("-")
    if cursor:
        try:
            value, last_id = decode_cursor(cursor, sort)
            value = _from_cursor_value(field, value)
        except InvalidCursor as error:
            raise invalid("cursor", str(error), slug="invalid-cursor") from None
        after = peewee.Tuple(field, model.id) < peewee.Tuple(value, last_id) if descending \
            else peewee.Tuple(field, model.id) > peewee.Tuple(value, last_id)
        query = query.where(after)
    order = (field.desc(), model.id.desc()) if descending else (field.asc(), model.id.asc())
    rows = list(query.order_by(*order).limit(limit + 1))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(sort, _to_cursor_value(getattr(last, name)), last.id)
    return Page(items=rows, next_cursor=next_cursor)


def page_headers(page: Page) -> dict[str, str]:
    """The Link header pointing at the next page (same URL, same filters, new cursor)."""
    if page.next_cursor is None:
        return {}
    args = request.args.to_dict(flat=False)
    args["cursor"] = [page.next_cursor]
    url = f"{public_base_url()}{request.path}?{urlencode(args, doseq=True)}"
    return {"Link": f'<{url}>; rel="next"'}
