"""Webhook rules: which URLs and addresses an endpoint may have, the retry schedule, and signing.

Signing follows the Standard Webhooks specification
(https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
`webhook-signature: v1,<base64 HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<body>")>`,
computed by the specification's own Python library (`standardwebhooks`, which receivers use to verify).
"""
from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import secrets
from urllib.parse import urlsplit

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # 256 bits; the specification asks for 24..64 bytes

# Seconds to wait after a failed attempt before the next: the schedule of Svix, the Standard Webhooks
# reference sender (https://docs.svix.com/retries): immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
# 8 attempts over about 27.6 hours; after the last the delivery is failed and its endpoint marked failing.
RETRY_DELAYS = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)

URL_MAX_LENGTH = 2000
SCHEMES = ("https", "http")


class ForbiddenUrl(ValueError):
    """A URL an endpoint may not have; the message says why, for the client."""


def new_secret() -> str:
    """A fresh signing secret, `whsec_` + base64 of 32 random bytes (the specification's form)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` header value for this message: `v1,<base64>`."""
    return Webhook(secret).sign(msg_id, dt.datetime.fromtimestamp(timestamp, dt.timezone.utc), body)


def signed_headers(secret: str, msg_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers of a message sent at `timestamp` (Unix seconds)."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, msg_id, timestamp, body)}


def next_delay(attempts: int, delays: tuple[int, ...] = RETRY_DELAYS) -> int | None:
    """Seconds to wait after the `attempts`-th failed attempt, or None when no attempt is left."""
    return delays[attempts - 1] if 0 < attempts <= len(delays) else None


def parse_url(url: str) -> tuple[str, int]:
    """(host, port) of an endpoint URL; ForbiddenUrl unless it is an absolute http(s) URL with a host,
    no user or password, and at most URL_MAX_LENGTH characters."""
    if len(url) > URL_MAX_LENGTH:
        raise ForbiddenUrl(f"The URL is longer than {URL_MAX_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ForbiddenUrl(f"The URL cannot be parsed: {error}.") from None
    if parts.scheme not in SCHEMES:
        raise ForbiddenUrl("The URL must start with https:// (or http://).")
    if not parts.hostname:
        raise ForbiddenUrl("The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise ForbiddenUrl("The URL may not carry a user name or password; authenticate by the signature.")
    if any(c.isspace() for c in url):
        raise ForbiddenUrl("The URL may not contain white space.")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def forbidden_address(address: str) -> str | None:
    """Why a webhook may not be sent to this IP address, or None if it may: only globally routable
    unicast addresses are allowed (RFC 6890 special-purpose registries, as Python's `ipaddress`
    knows them), so loopback, private, shared (CGNAT), link-local, multicast, reserved, unspecified
    and documentation ranges are refused, and IPv4 addresses mapped into IPv6 are judged as IPv4."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # The most specific name first: 127.0.0.1 and 169.254.169.254 are "private" to ipaddress as well.
    for name, flagged in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                          ("unspecified", ip.is_unspecified), ("multicast", ip.is_multicast),
                          ("reserved", ip.is_reserved), ("private", ip.is_private)):
        if flagged:
            return f"{ip}, a {name} address"
    if not ip.is_global:
        return f"{ip}, not a globally routable address"
    return None
