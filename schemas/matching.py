"""Matching requests and answers (issue 16): "has this been checked before?"."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.domain.verdicts import STATUSES
from api.domain.vocabulary import ORIGINS
from schemas.claims import ClaimSchema
from schemas.common import OffsetsQuerySchema, text_field

# A query is a tweet, a sentence, a claim: a claim's own text is at most 10,000 characters.
MAX_QUERY_CHARS = 10_000
MAX_MATCHES = 50


def _filters(*, strict: bool) -> dict:
    """limit and the filters; `strict`: a JSON body must give limit as a number, a query string cannot."""
    return {
        "limit": fields.Integer(strict=strict, load_default=10, validate=validate.Range(min=1, max=MAX_MATCHES),
                                metadata={"description": f"How many matches at most (1..{MAX_MATCHES})."}),
        "status": fields.String(validate=validate.OneOf(STATUSES),
                                metadata={"description": "Only claims with this status."}),
        "origin": fields.String(validate=validate.OneOf(ORIGINS),
                                metadata={"description": "Only claims of this origin."}),
        "reviewed_only": fields.Boolean(load_default=False,
                                        metadata={"description": "Only claims with a verdict (status not unreviewed)."}),
    }


MatchQuerySchema = Schema.from_dict({
    "text": text_field(MAX_QUERY_CHARS, required=True, metadata={
        "description": "The text to match: a tweet, a sentence, a claim.",
        "example": "Lady Gaga says she eats Oreos every day"}),
    **_filters(strict=True),
}, name="MatchQuery")

MatchFiltersSchema = Schema.from_dict({
    **_filters(strict=False),
    "offsets": OffsetsQuerySchema._declared_fields["offsets"],
}, name="MatchFilters")


class MatchSchema(Schema):
    claim = fields.Nested(ClaimSchema, metadata={"description": "The claim as GET /v1/claims/{id} shows it."})
    score = fields.Float(metadata={"description": "0..1: the fusion model's probability that the text repeats "
                                                  "this claim (a score of 0.96 or more is treated as the same claim)."})


class MatchListSchema(Schema):
    data = fields.List(fields.Nested(MatchSchema))
