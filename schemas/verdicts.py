from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.domain.verdicts import RATINGS, STANCES
from schemas.common import PublicId, SpanInSchema, SpanSchema, Timestamp, page_schema
from schemas.sources import HTTP_URL

RATIONALE_MAX = 20_000


class EvidenceInSchema(Schema):
    """A span of a stored source, or a URL with the quote that matters there."""

    stance = fields.String(required=True, validate=validate.OneOf(STANCES))
    span = fields.Nested(SpanInSchema)
    url = fields.String(validate=[validate.Length(max=2000), HTTP_URL])
    quote = fields.String(validate=validate.Length(min=1, max=10_000))

    @validates_schema
    def _span_or_url_and_quote(self, data, **kwargs):
        has_url = "url" in data or "quote" in data
        if "span" in data and has_url:
            raise ValidationError("Give a span, or a url with a quote, not both.", "span")
        if "span" not in data and not ("url" in data and "quote" in data):
            raise ValidationError("Give a span of a stored source, or a url with a quote.",
                                  "quote" if "url" in data else "url" if "quote" in data else "span")


class VerdictCreateSchema(Schema):
    rating = fields.String(required=True, validate=validate.OneOf(RATINGS))
    rationale = fields.String(load_default="", validate=validate.Length(max=RATIONALE_MAX),
                              metadata={"description": f"Why; at most {RATIONALE_MAX} characters."})
    evidence = fields.List(fields.Nested(EvidenceInSchema), load_default=list, validate=validate.Length(max=100))


class EvidenceSchema(Schema):
    stance = fields.String()
    span = fields.Nested(SpanSchema, allow_none=True)
    url = fields.String(allow_none=True)
    quote = fields.String(allow_none=True)


class ReviewerSchema(Schema):
    id = PublicId("key", attribute="reviewer_id", allow_none=True)
    name = fields.String(attribute="reviewer_name")


# One instance, reused: building a schema per dumped row costs more than the dump.
_REVIEWER = ReviewerSchema()


class VerdictSummarySchema(Schema):
    id = PublicId("verdict")
    rating = fields.String()
    rationale = fields.String()
    reviewer = fields.Function(lambda v: _REVIEWER.dump(v))
    created_at = Timestamp()


class VerdictSchema(VerdictSummarySchema):
    claim = PublicId("claim")
    evidence = fields.List(fields.Nested(EvidenceSchema))


VerdictPageSchema = page_schema(VerdictSchema, "VerdictPage")
