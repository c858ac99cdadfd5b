"""Webhook endpoints and their deliveries (README, Webhooks)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.domain.vocabulary import DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES
from api.domain.webhooks import URL_MAX_LENGTH
from schemas.common import PublicId, Timestamp, list_query_schema, page_schema, text_field

ENDPOINT_STATUSES = ("active", "failing", "disabled")

_url = dict(validate=validate.Length(min=1, max=URL_MAX_LENGTH),
            metadata={"example": "https://desk.example/hooks/claimtrack",
                      "description": "http(s); must resolve to public addresses only (README, Webhooks)."})
_types = dict(validate=validate.Length(min=1),
              metadata={"description": "The event types this endpoint receives."})


class WebhookCreateSchema(Schema):
    url = fields.String(required=True, **_url)
    event_types = fields.List(fields.String(validate=validate.OneOf(WEBHOOK_EVENT_TYPES)), required=True, **_types)
    description = text_field(500, metadata={"example": "Newsroom CMS"})
    enabled = fields.Boolean()


class WebhookUpdateSchema(Schema):
    url = fields.String(**_url)
    event_types = fields.List(fields.String(validate=validate.OneOf(WEBHOOK_EVENT_TYPES)), **_types)
    description = fields.String(validate=validate.Length(max=500))
    enabled = fields.Boolean(metadata={"description": "false stops deliveries; true resumes them and clears "
                                                      "the failing state."})


class WebhookSchema(Schema):
    id = PublicId("webhook")
    url = fields.String()
    description = fields.String()
    event_types = fields.List(fields.String())
    enabled = fields.Boolean()
    status = fields.String(validate=validate.OneOf(ENDPOINT_STATUSES), metadata={
        "description": "disabled (by an admin), failing (a delivery gave up after every attempt: see "
                       "failing_reason; cleared by the next success), or active."})
    failing_reason = fields.String(allow_none=True)
    failing_since = Timestamp(allow_none=True)
    created_at = Timestamp()
    updated_at = Timestamp()


class CreatedWebhookSchema(WebhookSchema):
    secret = fields.String(metadata={"description": "The signing secret (`whsec_…`, Standard Webhooks): shown "
                                                    "this once, never again.", "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})


class MessageSchema(Schema):
    id = fields.String(metadata={"description": "The webhook-id header of every attempt.", "example": "msg_k3x9q2ma"})
    type = fields.String(validate=validate.OneOf(WEBHOOK_EVENT_TYPES))


class DeliverySchema(Schema):
    id = PublicId("delivery")
    message = fields.Nested(MessageSchema)
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))
    attempts = fields.Integer(metadata={"description": "Attempts in this round (a redelivery starts a new round)."})
    status_code = fields.Integer(allow_none=True, metadata={"description": "The HTTP status of the last attempt; "
                                                                           "null when no answer came."})
    last_error = fields.String(allow_none=True)
    next_attempt_at = Timestamp(allow_none=True)
    last_attempt_at = Timestamp(allow_none=True)
    delivered_at = Timestamp(allow_none=True)
    created_at = Timestamp()


WebhookPageSchema = page_schema(WebhookSchema, "WebhookPage")
WebhookQuerySchema = list_query_schema("WebhookQuery", ("created_at",), {})
DeliveryPageSchema = page_schema(DeliverySchema, "DeliveryPage")
DeliveryQuerySchema = list_query_schema("DeliveryQuery", ("created_at",), {
    "status": fields.String(validate=validate.OneOf(DELIVERY_STATUSES)),
}, default_sort="-created_at")
