from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import (
    DateOrTimestamp, PublicId, SpanInSchema, SpanSchema, Timestamp, created_updated_filters, list_query_schema,
    page_schema, text_field,
)
from schemas.people import PersonRefSchema


class EventWriteSchema(Schema):
    name = text_field(500, metadata={"example": "Alaska summit"})
    kind = fields.String(allow_none=True, validate=validate.Length(min=1, max=64), metadata={"example": "summit"})
    description = fields.String(allow_none=True, validate=validate.Length(max=5000))
    starts_at = DateOrTimestamp(allow_none=True, metadata={"example": "2025-08-15"})
    ends_at = DateOrTimestamp(allow_none=True)
    location = fields.String(allow_none=True, validate=validate.Length(max=500), metadata={"example": "Anchorage, Alaska"})
    participants = fields.List(PublicId("person"), validate=validate.Length(max=500))
    mentions = fields.List(fields.Nested(SpanInSchema), validate=validate.Length(max=1000))


class EventCreateSchema(EventWriteSchema):
    name = text_field(500, required=True, metadata={"example": "Alaska summit"})


class EventSchema(Schema):
    id = PublicId("event")
    name = fields.String()
    kind = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    starts_at = fields.String(allow_none=True)
    ends_at = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    origin = fields.String()
    participants = fields.List(fields.Nested(PersonRefSchema))
    mentions = fields.List(fields.Nested(SpanSchema))
    created_at = Timestamp()
    updated_at = Timestamp()


class EventRefSchema(Schema):
    id = PublicId("event")
    name = fields.String()


class EventMergeSchema(Schema):
    duplicate = PublicId("event", required=True,
                         metadata={"description": "The event folded into this one, then deleted."})


EventPageSchema = page_schema(EventSchema, "EventPage")
EventQuerySchema = list_query_schema("EventQuery", ("created_at", "updated_at", "starts_at"), {
    "kind": fields.String(validate=validate.Length(min=1, max=64)),
    "participant": PublicId("person"),
    "starts_after": DateOrTimestamp(), "starts_before": DateOrTimestamp(),
    **created_updated_filters(),
})
