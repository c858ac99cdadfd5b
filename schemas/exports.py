"""The lines of an NDJSON export, validated on the way back in (`claimtrack import`).

One schema per line type, the shape `api.presenters.export` writes; enums are the domain's
own (source kinds, origins, statuses, ratings, stances). `parse_lines` turns raw lines into
(line number, type, key, values) records for `api.services.imports.import_records`, and
refuses a bad line with Invalid naming the line and the field: `line 3 (claim):
appearances.0.start: must be an integer`.
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator

from marshmallow import Schema, ValidationError, fields, validate

from api.domain.errors import Invalid
from api.domain.verdicts import RATINGS, STANCES, STATUSES
from api.domain.vocabulary import ORIGINS, SOURCE_KINDS
from schemas.common import PublicId, Timestamp, flatten_messages


class _Id(PublicId):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError:
            raise ValidationError(f"must be a {self.kind} id") from None


class _Timestamp(Timestamp):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError:
            raise ValidationError("must be an RFC 3339 timestamp") from None


class _Integer(fields.Field):
    """An integer; not a string of digits, not a boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("must be an integer")
        return value


class _Number(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("must be a number")
        return float(value)


class _Boolean(fields.Field):
    """true or false; not a string, not a number."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


# Every field is required (an export writes them all), null only where the column allows it.
def _string(**kwargs):
    return fields.String(required=True, error_messages={"invalid": "must be a string"}, **kwargs)


def _text(**kwargs):
    return _string(allow_none=True, **kwargs)


def _one_of(choices, **kwargs):
    return _string(validate=validate.OneOf(choices, error="must be one of: {choices}"), **kwargs)


def _list(inner, **kwargs):
    return fields.List(inner, required=True, error_messages={"invalid": "must be a list"}, **kwargs)


def _integer(**kwargs):
    return _Integer(required=True, **kwargs)


def _id(kind: str, **kwargs):
    return _Id(kind, required=True, **kwargs)


def _nested(schema):
    return fields.Nested(schema, required=True, error_messages={"type": "must be a JSON object"})


class _Versioned(Schema):
    created_at = _Timestamp(required=True)
    updated_at = _Timestamp(required=True)
    version = _integer()


class SpanLine(Schema):
    """A stored span: offsets (code points) and quote; the import resolves it against the text."""

    source = _id("source")
    start = _integer()
    end = _integer()
    exact = _string()
    prefix = _string()
    suffix = _string()


class EvidenceLine(Schema):
    stance = _one_of(STANCES)
    source = _id("source", allow_none=True)
    start = _integer(allow_none=True)
    end = _integer(allow_none=True)
    exact, prefix, suffix, url, quote = _text(), _text(), _text(), _text(), _text()


class SourceLine(_Versioned):
    kind = _one_of(SOURCE_KINDS)
    title, url, publisher, author, published_at, language = _text(), _text(), _text(), _text(), _text(), _text()
    text = _string()


class PersonLine(_Versioned):
    name = _string()
    aliases = _list(fields.String(error_messages={"invalid": "must be a string"}))
    description, wikidata_id = _text(), _text()
    origin = _one_of(ORIGINS)


class EventLine(_Versioned):
    name = _string()
    kind, description, starts_at, ends_at, location = _text(), _text(), _text(), _text(), _text()
    origin = _one_of(ORIGINS)
    participants = _list(_Id("person"))


class MentionLine(SpanLine):
    person = _id("person", allow_none=True)
    event = _id("event", allow_none=True)
    origin = _one_of(ORIGINS)


class ClaimLine(_Versioned):
    text = _string()
    claimant = _id("person", allow_none=True)
    status = _one_of(STATUSES)
    origin = _one_of(ORIGINS)
    checkworthiness = _Number(required=True, allow_none=True, validate=validate.Range(0, 1, error="must be 0..1"))
    latest_verdict = _id("verdict", allow_none=True)
    tags = _list(fields.String(error_messages={"invalid": "must be a string"}))
    events = _list(_Id("event"))
    appearances = _list(_nested(SpanLine))


class VerdictLine(Schema):
    claim = _id("claim")
    rating = _one_of(RATINGS)
    rationale = _string()
    reviewer_name = _string()
    created_at = _Timestamp(required=True)
    evidence = _list(_nested(EvidenceLine))


def _number(**kwargs):
    return _Number(required=True, allow_none=True, **kwargs)


def _at_most(length: int):
    return _text(validate=validate.Length(max=length, error=f"must be at most {length} characters"))


class ReviewAppearanceLine(Schema):
    """Where the reviewed claim was made, as the desk said (each key only when it said it)."""

    url, date, headline = (fields.String(error_messages={"invalid": "must be a string"}) for _ in range(3))


class ImportedReviewLine(Schema):
    """Another desk's fact-check as it was published (api.models.ImportedReview); no public id:
    `review_url` is its key. Lengths are the columns' (migration 0007)."""

    claim = _id("claim")
    source = _id("source")
    review_url = _string(validate=validate.Length(min=1, max=2000, error="must be 1 to 2000 characters"))
    publisher, publisher_url, title, rating_text = _text(), _text(), _text(), _text()
    rating_value, best_rating, worst_rating = _number(), _number(), _number()
    review_date = _at_most(40)
    language = _at_most(35)
    license, claimant_name = _text(), _text()
    claimant_is_person = _Boolean(required=True)
    claim_date = _at_most(40)
    appearances = _list(_nested(ReviewAppearanceLine))
    created_at = _Timestamp(required=True)
    updated_at = _Timestamp(required=True)


LINES = {"source": SourceLine(), "person": PersonLine(), "event": EventLine(), "mention": MentionLine(),
         "claim": ClaimLine(), "verdict": VerdictLine(), "imported_review": ImportedReviewLine()}
# Line types without a public id (their key is a field of their own): no "id" on their lines.
WITHOUT_ID = {"imported_review"}


def parse_line(number: int, raw: str) -> tuple[str, int | None, dict]:
    """(type, integer key, validated fields) of one export line (key None for the types in
    WITHOUT_ID); Invalid naming the line and field."""
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise Invalid(None, f"line {number}: not JSON ({error.msg})", line=number) from None
    kind = record.get("type") if isinstance(record, dict) else None
    if kind not in LINES:
        raise Invalid("type", f"line {number}: unknown type {kind!r}; expected one of {', '.join(LINES)}",
                      line=number)
    schema = LINES[kind]

    def refuse(field: str | None, message: str) -> Invalid:
        where = f"{field}: " if field else ""
        return Invalid(field, f"line {number} ({kind}): {where}{message}", line=number)

    # The whole shape first, in the order the export writes it, so the message lists every gap.
    keyed = kind not in WITHOUT_ID
    expected = ["type", *(["id"] if keyed else []),
                *sorted(schema.fields, key=lambda name: name in _Versioned._declared_fields)]
    missing = [name for name in expected if name not in record]
    unknown = sorted(set(record) - set(expected))
    if missing or unknown:
        raise refuse(None, "; ".join(filter(None, [missing and f"missing {', '.join(missing)}",
                                                   unknown and f"unknown {', '.join(unknown)}"])))
    try:
        pk = _Id(kind).deserialize(record["id"]) if keyed else None
    except ValidationError as error:
        raise refuse("id", error.messages[0]) from None
    try:
        values = schema.load({k: v for k, v in record.items() if k not in ("type", "id")})
    except ValidationError as error:
        field, messages = next(iter(flatten_messages(error.messages).items()))
        raise refuse(field, messages[0]) from None
    return kind, pk, values


def parse_lines(lines: Iterable[str]) -> Iterator[tuple[int, str, int | None, dict]]:
    """(line number, type, key, fields) for each non-blank line, validated as it is read."""
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            yield (number, *parse_line(number, raw))
