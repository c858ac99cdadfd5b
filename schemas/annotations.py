from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.domain.ids import encode_id
from schemas.common import SpanSchema

KINDS = ("claim", "person", "event", "evidence")


def _entity(row) -> dict:
    if row.kind == "claim":
        return {"id": encode_id("claim", row.claim.id), "text": row.claim.text, "status": row.claim.status}
    if row.kind == "person":
        return {"id": encode_id("person", row.person.id), "name": row.person.name}
    if row.kind == "event":
        return {"id": encode_id("event", row.event.id), "name": row.event.name}
    return {"id": encode_id("verdict", row.verdict.id), "claim": encode_id("claim", row.verdict.claim_id),
            "rating": row.verdict.rating, "stance": row.stance}


class AnnotationSchema(SpanSchema):
    kind = fields.String(validate=validate.OneOf(KINDS),
                         metadata={"description": "claim appearance, person or event mention, or verdict evidence"})
    entity = fields.Function(_entity, metadata={
        "description": "What the span belongs to: a claim (id, text, status), a person or event (id, name), "
                       "or a verdict (id, claim, rating, stance)."})


class AnnotationListSchema(Schema):
    data = fields.List(fields.Nested(AnnotationSchema))
