"""Fields and schemas every resource shares: ids, timestamps, spans, pages, problems."""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.domain.ids import decode_id, encode_id
from api.domain.text import MAX_SEARCH_WORDS
from api.domain.vocabulary import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

OFFSET_MODES = ("codepoints", "utf16")
# RFC 3339 §5.6 date-time: any number of fraction digits (more than we keep are truncated).
_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PublicId(fields.Field):
    """An integer key outside, a prefixed opaque id inside JSON (`src_…`, `per_…`)."""

    def __init__(self, kind: str, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind
        self.metadata.setdefault("example", encode_id(kind, 1))
        self.metadata.setdefault("pattern", f"^{encode_id(kind, 1).split('_')[0]}_[0-9a-z]+$")

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else encode_id(self.kind, value)

    def _deserialize(self, value, attr, data, **kwargs):
        pk = decode_id(self.kind, value) if isinstance(value, str) else None
        if pk is None:
            raise ValidationError(f"Not a valid {self.kind} id.")
        return pk


def _format_timestamp(value: dt.datetime) -> str:
    return value.isoformat(timespec="milliseconds") + "Z"


def parse_aware_timestamp(value: str) -> dt.datetime:
    """RFC 3339 → an aware datetime with the offset as given. Fractions beyond microseconds
    (what both databases store) are truncated, not rounded. ValidationError otherwise."""
    match = _RFC3339.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValidationError("Not an RFC 3339 timestamp like 2025-08-15T19:00:00Z.")
    day, time_of_day, fraction, offset = match.groups()
    offset = "+00:00" if offset in "Zz" else offset
    try:
        return dt.datetime.fromisoformat(f"{day}T{time_of_day}.{(fraction or '')[:6]:0<6}{offset}")
    except ValueError:
        raise ValidationError("Not a valid date and time (check the month, day, hour and offset).") from None


def parse_timestamp(value: str) -> dt.datetime:
    """RFC 3339 → naive UTC (how timestamps are stored). A time whose UTC form falls outside
    years 1..9999 (0001-01-01T00:00:00+01:00, 9999-12-31T23:59:59-01:00) is a ValidationError."""
    parsed = parse_aware_timestamp(value)
    try:
        return parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    except OverflowError:
        raise ValidationError("Outside the years 0001..9999 once converted to UTC.") from None


class Timestamp(fields.Field):
    """RFC 3339 UTC with milliseconds (`2025-08-15T19:00:00.000Z`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {})
        kwargs["metadata"].setdefault("format", "date-time")
        kwargs["metadata"].setdefault("type", "string")
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else _format_timestamp(value)

    def _deserialize(self, value, attr, data, **kwargs):
        return parse_timestamp(value)


class DateOrTimestamp(fields.String):
    """A calendar date (`2025-08-15`) or an RFC 3339 timestamp, kept as given but normalised.

    Timestamps become UTC (`…Z`, milliseconds) so that they sort and compare as strings; with
    keep_offset=True (a source's publication time) the writer's own offset is kept instead
    (`2025-08-15T19:00:00.000-07:00`), so the local calendar date stays what the outlet printed.
    """

    def __init__(self, *, keep_offset: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.keep_offset = keep_offset

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if _DATE.match(value):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                raise ValidationError("Not a valid date.") from None
        try:
            utc = parse_timestamp(value)
        except ValidationError as error:
            raise ValidationError(f"Expected a date (2025-08-15) or an RFC 3339 timestamp: {error.messages[0]}") \
                from None
        if not self.keep_offset:
            return _format_timestamp(utc)
        aware = parse_aware_timestamp(value)
        offset = aware.isoformat()[-6:]
        return aware.replace(tzinfo=None).isoformat(timespec="milliseconds") + ("Z" if offset == "+00:00" else offset)


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def search_field(max_length: int, words: Callable[[str], list[str]], **kwargs) -> fields.String:
    """A search parameter: 1..max_length characters of at most MAX_SEARCH_WORDS words, as
    `words` (the search's own folding) counts them."""
    def _few_words(value: str) -> None:
        if len(words(value)) > MAX_SEARCH_WORDS:
            raise ValidationError(f"At most {MAX_SEARCH_WORDS} words.")
    return fields.String(validate=[validate.Length(min=1, max=max_length), _not_blank, _few_words], **kwargs)


def text_field(max_length: int, **kwargs) -> fields.String:
    """A string of 1..max_length characters that is not only whitespace."""
    return fields.String(validate=[validate.Length(min=1, max=max_length), _not_blank], **kwargs)


# From data/samples/001_87f9c890ea636cff.txt, the claim the README walks through.
SAMPLE_QUOTE = "the first summit between US and Russian leaders in four years"


class SpanInSchema(Schema):
    """A span to anchor: offsets, or a quote (with optional context), or both."""

    source = PublicId("source", required=True)
    start = fields.Integer(strict=True, validate=validate.Range(min=0), metadata={"example": 2318})
    end = fields.Integer(strict=True, validate=validate.Range(min=0), metadata={"example": 2379})
    exact = fields.String(validate=validate.Length(min=1, max=100_000), metadata={"example": SAMPLE_QUOTE})
    prefix = fields.String(validate=validate.Length(max=10_000), metadata={"example": "The Anchorage meeting marked "})
    suffix = fields.String(validate=validate.Length(max=10_000), metadata={"example": ", as the Ukraine war entere"})

    @validates_schema
    def _offsets_or_quote(self, data, **kwargs):
        has_offsets = "start" in data or "end" in data
        if has_offsets and ("start" not in data or "end" not in data):
            raise ValidationError("Give both start and end, or neither.", "start" if "start" not in data else "end")
        if not has_offsets and "exact" not in data:
            raise ValidationError("Give start and end, or an exact quote.", "exact")


class SpanSchema(Schema):
    """A span of a source: TextPositionSelector and TextQuoteSelector side by side."""

    source = PublicId("source", attribute="source_id")
    start = fields.Integer(metadata={"description": "Offset of the first character (code points, or UTF-16 units with offsets=utf16)."})
    end = fields.Integer(metadata={"description": "Offset after the last character (exclusive)."})
    exact = fields.String(metadata={"example": SAMPLE_QUOTE})
    prefix = fields.String(metadata={"description": "Up to 32 UTF-16 code units of text before the span."})
    suffix = fields.String(metadata={"description": "Up to 32 UTF-16 code units of text after the span."})


class OffsetsQuerySchema(Schema):
    offsets = fields.String(
        load_default="codepoints", validate=validate.OneOf(OFFSET_MODES),
        metadata={"description": "How span offsets count in this request: Unicode code points (default) "
                                 "or UTF-16 code units, as JavaScript strings do."},
    )


def list_query_schema(name: str, sorts: tuple[str, ...], filters: dict, default_sort: str | None = None) -> type[Schema]:
    """A list endpoint's query: its filters plus limit, cursor, sort (and offsets)."""
    orders = tuple(s for base in sorts for s in (base, f"-{base}"))
    return Schema.from_dict(
        {
            **filters,
            "limit": fields.Integer(load_default=DEFAULT_PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
                                    metadata={"description": f"Page size, 1..{MAX_PAGE_SIZE}."}),
            "cursor": fields.String(validate=validate.Length(max=500),
                                    metadata={"description": "next_cursor from the previous page."}),
            "sort": fields.String(load_default=default_sort or sorts[0], validate=validate.OneOf(orders),
                                  metadata={"description": "Order; '-' for descending."}),
            "offsets": OffsetsQuerySchema().fields["offsets"],
        },
        name=name,
    )


def created_updated_filters() -> dict:
    return {
        "created_after": Timestamp(), "created_before": Timestamp(),
        "updated_after": Timestamp(), "updated_before": Timestamp(),
    }


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict(
        {"data": fields.List(fields.Nested(item_schema)), "next_cursor": fields.String(allow_none=True)},
        name=name,
    )


class CandidateSchema(Schema):
    start = fields.Integer()
    end = fields.Integer()


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Messages per input field (dotted path)."})
    candidates = fields.List(fields.Nested(CandidateSchema),
                             metadata={"description": "With an ambiguous quote (409): every place it occurs."})
    existing = fields.String(metadata={"description": "With a duplicate source (409): the id it is stored under."})


def flatten_messages(messages, path: str = "") -> dict[str, list[str]]:
    """marshmallow (and webargs) nest messages by location and field; clients want {'field.sub': [...]}."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {path or "_body": messages}
    flat: dict[str, list[str]] = {}
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        key = "_body" if key == "_schema" else str(key)
        flat.update(flatten_messages(value, f"{path}.{key}" if path else key))
    return flat
