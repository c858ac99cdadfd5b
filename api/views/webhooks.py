from __future__ import annotations

import logging

from flask import Response, current_app, url_for
from flask.views import MethodView

from api.auth import never_replay, requires_role
from api.jobs.kinds.webhooks import relay_soon
from api.presenters.webhooks import present_created_webhook, present_delivery, present_webhook
from api.services import webhooks
from api.views.common import Blueprint, acting, page_result, split_query
from schemas.webhooks import (
    CreatedWebhookSchema, DeliveryPageSchema, DeliveryQuerySchema, DeliverySchema, WebhookCreateSchema,
    WebhookPageSchema, WebhookQuerySchema, WebhookSchema, WebhookUpdateSchema,
)

log = logging.getLogger(__name__)

blp = Blueprint("webhooks", __name__, url_prefix="/v1/webhooks",
                description="Webhook endpoints (admin): events signed per Standard Webhooks, delivered with retries. "
                            "The secret is shown once.")


def relay_after_requests(app) -> None:
    """After a request whose changes emitted webhook events (and committed), enqueue their relay.
    A queue that cannot be reached costs the request nothing: the periodic sweep relays later."""
    @app.after_request
    def _relay(response):
        try:
            relay_soon()
        except Exception:
            log.warning("webhooks: could not enqueue the relay; the sweep will send it", exc_info=True)
        return response


def _allow_private() -> bool:
    return current_app.config["CLAIMTRACK"].webhooks_allow_private


@blp.route("")
class Webhooks(MethodView):
    @requires_role("admin")
    @blp.arguments(WebhookQuerySchema, location="query")
    @blp.response(200, WebhookPageSchema)
    def get(self, query):
        """List webhook endpoints (never their secrets)"""
        _, paging = split_query(query)
        page = webhooks.list_endpoints(**paging)
        return page_result([present_webhook(e) for e in page.items], page)

    @requires_role("admin")
    @never_replay
    @blp.arguments(WebhookCreateSchema)
    @blp.response(201, CreatedWebhookSchema)
    def post(self, data):
        """Register an endpoint; the response is the only time its signing secret is shown"""
        created = webhooks.create_endpoint(data, actor=acting(), allow_private=_allow_private())
        return present_created_webhook(created), 201, {
            "Location": url_for("webhooks.Webhook", webhook_id=created.endpoint.id), "Cache-Control": "no-store"}


@blp.route("/<webhook:webhook_id>")
class Webhook(MethodView):
    @requires_role("admin")
    @blp.response(200, WebhookSchema)
    def get(self, webhook_id):
        """One endpoint, with why it is failing if it is"""
        return present_webhook(webhooks.get_endpoint(webhook_id))

    @requires_role("admin")
    @blp.arguments(WebhookUpdateSchema)
    @blp.response(200, WebhookSchema)
    def patch(self, data, webhook_id):
        """Change the URL, event types or description; disable or enable"""
        return present_webhook(webhooks.update_endpoint(webhook_id, data, actor=acting(),
                                                        allow_private=_allow_private()))

    @requires_role("admin")
    @blp.response(204)
    def delete(self, webhook_id):
        """Delete the endpoint and its delivery log"""
        webhooks.delete_endpoint(webhook_id, actor=acting())
        return Response(status=204)


@blp.route("/<webhook:webhook_id>/deliveries")
class Deliveries(MethodView):
    @requires_role("admin")
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliveryPageSchema)
    def get(self, query, webhook_id):
        """The endpoint's delivery log, newest first: status code, attempts, next attempt, last error"""
        filters, paging = split_query(query)
        page = webhooks.list_deliveries(webhook_id, filters, **paging)
        return page_result([present_delivery(d) for d in page.items], page)


@blp.route("/<webhook:webhook_id>/deliveries/<delivery:delivery_id>/redeliver")
class Redeliver(MethodView):
    @requires_role("admin")
    @blp.response(202, DeliverySchema)
    def post(self, webhook_id, delivery_id):
        """Send a delivery again now (same webhook-id, a new round of attempts)"""
        return present_delivery(webhooks.redeliver(webhook_id, delivery_id, actor=acting()))
