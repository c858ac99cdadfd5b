from __future__ import annotations

from marshmallow import Schema, fields

from schemas.claims import ClaimSchema
from schemas.common import PublicId
from schemas.events import EventRefSchema
from schemas.people import PersonRefSchema


class ExtractionSchema(Schema):
    """What a run of the extraction pipeline stored (origin: extracted)."""

    people = fields.List(fields.Nested(PersonRefSchema), metadata={"description": "People created."})
    matched_people = fields.List(fields.Nested(PersonRefSchema),
                                 metadata={"description": "People already stored that the text mentions."})
    events = fields.List(fields.Nested(EventRefSchema), metadata={"description": "Events created."})
    claims = fields.List(fields.Nested(ClaimSchema), metadata={"description": "Candidate claims created (unreviewed)."})
    linked_claims = fields.List(PublicId("claim"), metadata={
        "description": "Stored claims that a proposed claim repeats (match score ≥ 0.96): the span became a new "
                       "appearance of each instead of a duplicate claim (audit action link)."})
    mentions = fields.Integer(metadata={"description": "Person and event mentions added."})
