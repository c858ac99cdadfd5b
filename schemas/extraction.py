from __future__ import annotations

from marshmallow import Schema, fields

from schemas.claims import ClaimSchema
from schemas.events import EventRefSchema
from schemas.people import PersonRefSchema


class ExtractionSchema(Schema):
    """What a run of the extraction pipeline stored (origin: extracted)."""

    people = fields.List(fields.Nested(PersonRefSchema), metadata={"description": "People created."})
    matched_people = fields.List(fields.Nested(PersonRefSchema),
                                 metadata={"description": "People already stored that the text mentions."})
    events = fields.List(fields.Nested(EventRefSchema), metadata={"description": "Events created."})
    claims = fields.List(fields.Nested(ClaimSchema), metadata={"description": "Candidate claims created (unreviewed)."})
    mentions = fields.Integer(metadata={"description": "Person and event mentions added."})
