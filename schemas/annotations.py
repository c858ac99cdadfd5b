from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.domain.vocabulary import ANNOTATION_KINDS
from schemas.common import SpanSchema



class AnnotationSchema(SpanSchema):
    kind = fields.String(validate=validate.OneOf(ANNOTATION_KINDS),
                         metadata={"description": "claim appearance, person or event mention, or verdict evidence"})
    entity = fields.Function(lambda annotation: annotation["entity"], metadata={
        "description": "What the span belongs to: a claim (id, text, status), a person or event (id, name), "
                       "or a verdict (id, claim, rating, stance)."})


class AnnotationListSchema(Schema):
    data = fields.List(fields.Nested(AnnotationSchema))
