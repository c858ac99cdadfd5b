"""Sending one delivery attempt: lease the delivery, check and pin the target address, POST the
signed event, record the outcome and say when to try again.

The queue (api.tasks.webhooks) calls `attempt` and schedules the next try after the delay it
returns: the retry schedule is api.domain.webhooks.RETRY_DELAYS. Every attempt of a delivery
carries the same webhook-id (the event's id), so receivers can drop repeats; delivery is
at-least-once, as the Standard Webhooks specification expects.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
from peewee import fn

from api.db import database
from api.domain.ids import encode_id
from api.domain.vocabulary import DELIVERY_FAILED, DELIVERY_PENDING, DELIVERY_SUCCEEDED
from api.domain.webhooks import RETRY_DELAYS, ForbiddenUrl, next_delay, signed_headers
from api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, utcnow
from api.services.webhooks import resolve_allowed

ERROR_MAX_LENGTH = 500
USER_AGENT = "claimtrack-webhooks/1"


@dataclass(frozen=True)
class DeliverySettings:
    """How deliveries are sent and how long they are kept. Timeouts in seconds: connecting, and
    waiting for the answer (15 s, what Svix gives a receiver); `delays` as RETRY_DELAYS (seconds
    after each failed attempt); `retention_days`: events and finished deliveries older than this
    are pruned by the sweep (0 keeps them forever)."""

    allow_private: bool = False
    delays: tuple[int, ...] = RETRY_DELAYS
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    retention_days: int = 30

    @property
    def lease_seconds(self) -> float:
        """How long an attempt may take before another worker may take the delivery over."""
        return self.connect_timeout + 2 * self.read_timeout + 30


SETTINGS = DeliverySettings()


def configure(config) -> None:
    """Take the delivery settings from a Config (create_app calls it; so does every worker)."""
    global SETTINGS
    SETTINGS = DeliverySettings(allow_private=config.webhooks_allow_private, delays=config.webhook_retry_delays,
                                read_timeout=float(config.webhook_timeout_seconds),
                                retention_days=config.webhook_retention_days)


@dataclass(frozen=True)
class Leased:
    url: str
    secret: str
    msg_id: str
    body: str
    attempts: int  # counting this one


@dataclass(frozen=True)
class NotYetDue:
    """The delivery is pending but its next attempt is `seconds` away."""
    seconds: float


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _lease(pk: int, settings: DeliverySettings) -> Leased | NotYetDue | None:
    """Take the delivery for one attempt; NotYetDue when its attempt is still ahead; None when it is
    done or another worker holds it. A delivery to a disabled endpoint fails at once (an admin can
    redeliver it)."""
    now = utcnow()
    with database.atomic():
        row = (WebhookDelivery.select(WebhookDelivery, WebhookEndpoint, WebhookEvent)
               .join(WebhookEndpoint).switch(WebhookDelivery).join(WebhookEvent)
               .where(WebhookDelivery.id == pk).first())
        if row is None or row.status != DELIVERY_PENDING or (row.lease_until and row.lease_until > now):
            return None
        if row.next_attempt_at and row.next_attempt_at > now:
            return NotYetDue((row.next_attempt_at - now).total_seconds())
        if not row.endpoint.enabled:
            WebhookDelivery.update(status=DELIVERY_FAILED, last_error="The endpoint is disabled.", next_attempt_at=None,
                                   ).where(WebhookDelivery.id == pk).execute()
            return None
        claimed = (WebhookDelivery.update(attempts=WebhookDelivery.attempts + 1, last_attempt_at=now,
                                          lease_until=now + dt.timedelta(seconds=settings.lease_seconds))
                   .where((WebhookDelivery.id == pk) & (WebhookDelivery.attempts == row.attempts)).execute())
        if not claimed:
            return None
        return Leased(row.endpoint.url, row.endpoint.secret, encode_id("message", row.event.id), row.event.body,
                      row.attempts + 1)


def _pinned(url: str, address: str) -> str:
    """The URL with its host replaced by the address checked, so the connection goes where the check said."""
    parts = urlsplit(url)
    host = f"[{address}]" if ipaddress.ip_address(address.split("%", 1)[0]).version == 6 else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def _describe(error: Exception) -> str:
    if isinstance(error, httpx.TimeoutException):
        return f"Timed out ({type(error).__name__})."
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


_clients = threading.local()


def _client(settings: DeliverySettings) -> httpx.Client:
    """This thread's HTTP client for these settings: one TLS context per worker thread, not one per
    attempt (building a client is most of an attempt's CPU)."""
    client = getattr(_clients, "client", None)
    if client is None or _clients.settings != settings:
        timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
        # No kept-alive connections: they are pooled by address, and one opened (and its TLS
        # certificate checked) for one host name must not carry a request for another at that address.
        client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False,
                              limits=httpx.Limits(max_keepalive_connections=0))
        _clients.client, _clients.settings = client, settings
    return client


def send(leased: Leased, settings: DeliverySettings) -> Outcome:
    """POST the event to the endpoint, signed now; the answer's body is never read."""
    try:
        host, _, addresses = resolve_allowed(leased.url, allow_private=settings.allow_private)
    except ForbiddenUrl as error:
        return Outcome(None, str(error))
    headers = {"content-type": "application/json", "user-agent": USER_AGENT,
               "host": urlsplit(leased.url).netloc,
               **signed_headers(leased.secret, leased.msg_id, int(time.time()), leased.body)}
    extensions = {"sni_hostname": host} if leased.url.startswith("https:") else {}
    try:
        client = _client(settings)
        request = client.build_request("POST", _pinned(leased.url, addresses[0]), headers=headers,
                                       content=leased.body.encode("utf-8"), extensions=extensions)
        response = client.send(request, stream=True)
        response.close()
    except httpx.HTTPError as error:
        return Outcome(None, _describe(error))
    if 200 <= response.status_code < 300:
        return Outcome(response.status_code, None)
    return Outcome(response.status_code, f"The receiver answered HTTP {response.status_code}.")


def _record(pk: int, leased: Leased, outcome: Outcome, settings: DeliverySettings) -> int | None:
    now = utcnow()
    with database.atomic():
        row = WebhookDelivery.get_or_none(WebhookDelivery.id == pk)
        if row is None:
            return None  # the endpoint was deleted meanwhile
        changes = {"last_status_code": outcome.status_code, "last_error": outcome.error, "lease_until": None}
        delay = None
        endpoint = WebhookEndpoint.update(failing_reason=None, failing_since=None)
        if outcome.succeeded:
            changes.update(status=DELIVERY_SUCCEEDED, delivered_at=now, next_attempt_at=None)
        else:
            delay = next_delay(leased.attempts, settings.delays)
            if delay is None:
                changes.update(status=DELIVERY_FAILED, next_attempt_at=None)
                reason = (f"Delivery {encode_id('delivery', pk)} ({leased.msg_id}) failed after {leased.attempts} "
                          f"attempts: {outcome.error}")
                # failing_since keeps the start of a streak of failures.
                endpoint = WebhookEndpoint.update(failing_reason=reason,
                                                  failing_since=fn.COALESCE(WebhookEndpoint.failing_since, now))
            else:
                changes.update(next_attempt_at=now + dt.timedelta(seconds=delay))
        WebhookDelivery.update(**changes).where(WebhookDelivery.id == pk).execute()
        if outcome.succeeded:
            # Written only when marked failing: a delivery that succeeds writes one row.
            endpoint.where((WebhookEndpoint.id == row.endpoint_id)
                           & WebhookEndpoint.failing_reason.is_null(False)).execute()
        elif delay is None:
            endpoint.where(WebhookEndpoint.id == row.endpoint_id).execute()
        return delay


def attempt(pk: int, settings: DeliverySettings) -> float | None:
    """One attempt at the delivery with this key: seconds until the next attempt is due (schedule
    it), or None when there is nothing more to do (succeeded, given up, or held by another worker).

    A message that arrives before the delivery is due is not an attempt: it gets the seconds that
    remain, so the caller schedules it again instead of dropping the only message for that
    delivery (the periodic sweep would find it only a minute later)."""
    leased = _lease(pk, settings)
    if leased is None:
        return None
    if isinstance(leased, NotYetDue):
        return leased.seconds
    return _record(pk, leased, send(leased, settings), settings)


def overdue(grace_seconds: int = 60, limit: int = 1000) -> list[int]:
    """Pending deliveries whose attempt is over `grace_seconds` late and held by no worker: their
    queued task was lost (a worker killed between commit and enqueue, a queue flushed). The periodic
    sweep enqueues them again; the lease makes a second copy of a task harmless."""
    now = utcnow()
    late = now - dt.timedelta(seconds=grace_seconds)
    return [row.id for row in WebhookDelivery.select(WebhookDelivery.id)
            .where((WebhookDelivery.status == DELIVERY_PENDING) & (WebhookDelivery.next_attempt_at < late)
                   & (WebhookDelivery.lease_until.is_null() | (WebhookDelivery.lease_until < now)))
            .order_by(WebhookDelivery.next_attempt_at).limit(limit)]
