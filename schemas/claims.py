from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from api.domain.tags import TAG_RULE, is_valid_tag
from api.domain.text import fulltext_words
from api.domain.verdicts import STATUSES
from api.domain.vocabulary import ORIGINS
from schemas.common import (
    PublicId, SpanInSchema, SpanSchema, Timestamp, created_updated_filters, list_query_schema, page_schema, search_field,
    text_field,
)
from schemas.events import EventRefSchema
from schemas.people import PersonRefSchema
from schemas.verdicts import VerdictSummarySchema


def _tag(value: str) -> None:
    if not is_valid_tag(value):
        raise ValidationError(f"A tag is {TAG_RULE}.")


TAG = _tag


class ClaimWriteSchema(Schema):
    text = text_field(10_000, metadata={"description": "The checkable statement; defaults to the first appearance's exact text."})
    claimant = PublicId("person", allow_none=True,
                        metadata={"description": "The person asserting the claim; null when the outlet states it."})
    events = fields.List(PublicId("event"), validate=validate.Length(max=100))
    appearances = fields.List(fields.Nested(SpanInSchema), validate=validate.Length(min=1, max=100))
    tags = fields.List(fields.String(validate=TAG, metadata={"description": f"A tag is {TAG_RULE}."}),
                       validate=validate.Length(max=50))
    checkworthiness = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1), allow_nan=False)


class ClaimCreateSchema(ClaimWriteSchema):
    appearances = fields.List(
        fields.Nested(SpanInSchema), required=True, validate=validate.Length(min=1, max=100),
        metadata={"example": [{"source": "src_k6h8gtxn",
                               "exact": "the first summit between US and Russian leaders in four years"}]},
    )


class ClaimSchema(Schema):
    id = PublicId("claim")
    text = fields.String()
    claimant = fields.Nested(PersonRefSchema, allow_none=True)
    events = fields.List(fields.Nested(EventRefSchema))
    appearances = fields.List(fields.Nested(SpanSchema))
    status = fields.String(validate=validate.OneOf(STATUSES))
    origin = fields.String(validate=validate.OneOf(ORIGINS))
    checkworthiness = fields.Float(allow_none=True)
    tags = fields.List(fields.String())
    latest_verdict = fields.Nested(VerdictSummarySchema, allow_none=True)
    created_at = Timestamp()
    updated_at = Timestamp()


ClaimPageSchema = page_schema(ClaimSchema, "ClaimPage")
ClaimQuerySchema = list_query_schema("ClaimQuery", ("created_at", "updated_at"), {
    "status": fields.String(validate=validate.OneOf(STATUSES)),
    "claimant": PublicId("person"),
    "event": PublicId("event"),
    "source": PublicId("source"),
    "origin": fields.String(validate=validate.OneOf(ORIGINS)),
    "tag": fields.String(validate=TAG),
    "q": search_field(500, fulltext_words, metadata={"description": "Full-text search in claim text (at most 20 words)."}),
    "bom": fields.Boolean(load_default=False, metadata={
        "description": "With Accept: text/csv, start the file with a UTF-8 byte order mark so that Excel reads "
                       "’ — é correctly."}),
    **created_updated_filters(),
})
