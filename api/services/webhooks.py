"""Webhook endpoints (admin): register, list, change, delete; their delivery log and redelivery.

Endpoint URLs are checked against api.domain.webhooks: absolute http(s), and (unless the operator
allows private targets with CLAIMTRACK_WEBHOOKS_ALLOW_PRIVATE=1) every address the host resolves
to must be globally routable. The check runs here at registration and again before every delivery
(api.services.delivery), since DNS can change in between.
"""
from __future__ import annotations

import json
import socket
from dataclasses import dataclass

from api.db import database
from api.domain.errors import Invalid, NotFound
from api.domain.ids import encode_id
from api.domain.vocabulary import DELIVERY_PENDING
from api.domain.webhooks import ForbiddenUrl, forbidden_address, new_secret, parse_url
from api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, utcnow
from api.pagination import Page, paginate
from api.services import audit

FORBIDDEN_URL = "forbidden-webhook-url"

# The transport: api.jobs.kinds.webhooks registers how a delivery is enqueued (services know nothing of huey).
_TRANSPORT: dict = {"deliver": None}


def use_transport(deliver) -> None:
    """Set the function that enqueues a delivery attempt now: deliver(delivery_pk)."""
    _TRANSPORT["deliver"] = deliver


@dataclass(frozen=True)
class CreatedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # the only time the secret is shown


@dataclass(frozen=True)
class DeliveryDetails:
    delivery: WebhookDelivery
    event: WebhookEvent  # id and type only


def resolve_allowed(url: str, *, allow_private: bool) -> tuple[str, int, list[str]]:
    """(host, port, addresses) of an endpoint URL, each address allowed as a target.

    Raises ForbiddenUrl: not an absolute http(s) URL, a host that does not resolve, or (unless
    `allow_private`) any address that is not globally routable (api.domain.webhooks.forbidden_address)."""
    host, port = parse_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ForbiddenUrl(f"The host {host!r} does not resolve ({error}).") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not allow_private:
        for address in addresses:
            reason = forbidden_address(address)
            if reason is not None:
                raise ForbiddenUrl(f"The host {host!r} resolves to {reason}; webhooks go to public addresses only.")
    return host, port, addresses


def _checked_url(url: str, allow_private: bool) -> str:
    try:
        resolve_allowed(url, allow_private=allow_private)
    except ForbiddenUrl as error:
        raise Invalid("url", str(error), slug=FORBIDDEN_URL) from None
    return url


def _event_types(types: list[str]) -> str:
    if not types:
        raise Invalid("event_types", "Subscribe to at least one event type.")
    return json.dumps(sorted(set(types)))


def _get(pk: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.get_or_none(WebhookEndpoint.id == pk)
    if endpoint is None:
        raise NotFound.of("webhook", encode_id("webhook", pk))
    return endpoint


def create_endpoint(data: dict, *, actor: audit.Actor, allow_private: bool) -> CreatedEndpoint:
    """Register an endpoint (`url`, `event_types`, optional `description`, `enabled`) with a new secret.
    Raises Invalid (slug forbidden-webhook-url for a URL refused; validation for no event type)."""
    url = _checked_url(data["url"], allow_private)
    secret = new_secret()
    with database.atomic():
        endpoint = WebhookEndpoint.create(url=url, description=data.get("description", ""),
                                          event_types=_event_types(data["event_types"]),
                                          enabled=data.get("enabled", True), secret=secret)
        audit.record(actor, "create", "webhook", endpoint.id, url=url)
    return CreatedEndpoint(endpoint, secret)


def list_endpoints(*, sort: str, cursor: str | None, limit: int) -> Page:
    return paginate(WebhookEndpoint.select(), sort=sort, cursor=cursor, limit=limit)


def get_endpoint(pk: int) -> WebhookEndpoint:
    """The endpoint with this key; NotFound."""
    return _get(pk)


def update_endpoint(pk: int, changes: dict, *, actor: audit.Actor, allow_private: bool) -> WebhookEndpoint:
    """Change `url` (checked again), `event_types`, `description` or `enabled`. Enabling an endpoint
    clears its failing state: the admin says the receiver is fixed. NotFound, Invalid."""
    if "url" in changes:
        _checked_url(changes["url"], allow_private)
    if "event_types" in changes:
        changes["event_types"] = _event_types(changes["event_types"])
    with database.atomic():
        endpoint = _get(pk)
        if changes.get("enabled") and not endpoint.enabled:
            changes.update(failing_reason=None, failing_since=None)
        for name, value in changes.items():
            setattr(endpoint, name, value)
        endpoint.version += 1
        endpoint.updated_at = utcnow()
        endpoint.save()
        audit.record(actor, "update", "webhook", pk, fields=sorted(changes))
    return endpoint


def delete_endpoint(pk: int, *, actor: audit.Actor) -> None:
    """Delete the endpoint and its delivery log; NotFound."""
    with database.atomic():
        endpoint = _get(pk)
        WebhookEndpoint.delete().where(WebhookEndpoint.id == pk).execute()
        audit.record(actor, "delete", "webhook", pk, url=endpoint.url)


def list_deliveries(endpoint_pk: int, filters: dict, *, sort: str, cursor: str | None, limit: int) -> Page:
    """A page of DeliveryDetails of this endpoint (newest first unless asked otherwise); `status`
    filters. NotFound for an unknown endpoint."""
    _get(endpoint_pk)
    query = (WebhookDelivery.select(WebhookDelivery, WebhookEvent.id, WebhookEvent.type).join(WebhookEvent)
             .where(WebhookDelivery.endpoint == endpoint_pk))
    if filters.get("status"):
        query = query.where(WebhookDelivery.status == filters["status"])
    page = paginate(query, sort=sort, cursor=cursor, limit=limit)
    return Page([DeliveryDetails(d, d.event) for d in page.items], page.next_cursor)


def redeliver(endpoint_pk: int, delivery_pk: int, *, actor: audit.Actor) -> DeliveryDetails:
    """Send a delivery again, whatever its state: a new round of attempts (the count starts over,
    the retry schedule too) with the same webhook-id, so a receiver that has it already can tell.
    It is enqueued once committed. NotFound for an unknown endpoint or a delivery not of this endpoint."""
    with database.atomic():
        _get(endpoint_pk)
        delivery = (WebhookDelivery.select(WebhookDelivery, WebhookEvent.id, WebhookEvent.type).join(WebhookEvent)
                    .where((WebhookDelivery.id == delivery_pk) & (WebhookDelivery.endpoint == endpoint_pk)).first())
        if delivery is None:
            raise NotFound.of("delivery", encode_id("delivery", delivery_pk))
        delivery.status, delivery.attempts, delivery.next_attempt_at = DELIVERY_PENDING, 0, utcnow()
        delivery.lease_until = delivery.delivered_at = None
        delivery.save()
        audit.record(actor, "redeliver", "webhook", endpoint_pk, delivery=encode_id("delivery", delivery_pk))
    _TRANSPORT["deliver"](delivery_pk)
    return DeliveryDetails(delivery, delivery.event)
