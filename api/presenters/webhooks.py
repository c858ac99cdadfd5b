"""Webhook endpoints (their secret only once, at creation) and deliveries."""
from __future__ import annotations

import json

from api.domain.ids import encode_id
from api.services.webhooks import CreatedEndpoint, DeliveryDetails


def present_webhook(endpoint) -> dict:
    status = "disabled" if not endpoint.enabled else "failing" if endpoint.failing_reason else "active"
    return {"id": endpoint.id, "url": endpoint.url, "description": endpoint.description,
            "event_types": json.loads(endpoint.event_types), "enabled": endpoint.enabled, "status": status,
            "failing_reason": endpoint.failing_reason, "failing_since": endpoint.failing_since,
            "created_at": endpoint.created_at, "updated_at": endpoint.updated_at}


def present_created_webhook(created: CreatedEndpoint) -> dict:
    return {**present_webhook(created.endpoint), "secret": created.secret}


def present_delivery(details: DeliveryDetails) -> dict:
    d = details.delivery
    return {"id": d.id, "message": {"id": encode_id("message", details.event.id), "type": details.event.type},
            "status": d.status, "attempts": d.attempts, "status_code": d.last_status_code, "last_error": d.last_error,
            "next_attempt_at": d.next_attempt_at, "last_attempt_at": d.last_attempt_at,
            "delivered_at": d.delivered_at, "created_at": d.created_at}
