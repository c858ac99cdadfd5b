"""The domain's exceptions: what a use case refuses, in its own words, with no HTTP in them.

Services and domain rules raise these; `api.errors` maps each class to one problem+json status
(the only place that knows HTTP), and the CLI catches them by type. Every error has a `slug`
(the last part of the problem `type` URI), a human `message`, optionally the input `field` it
is about (a dotted path such as `appearances.0.exact`) or several `errors` per field, and any
`details` a client can act on (the id of an existing duplicate, the candidate offsets).
"""
from __future__ import annotations


class DomainError(Exception):
    """Base class. `slug` names the kind of problem; `details` are extra members of the problem."""

    slug = "error"

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None,
                 slug: str | None = None, **details):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors if errors is not None else ({field: [message]} if field else None)
        if slug is not None:
            self.slug = slug
        self.details = details


class NotFound(DomainError):
    """The resource named does not exist (or, e.g., has no ClaimReview yet)."""

    slug = "not-found"

    @classmethod
    def of(cls, kind: str, public_id: str) -> "NotFound":
        return cls(f"No {kind} with id {public_id!r}.")


class Unauthenticated(DomainError):
    """The caller's credentials prove no one (an API key revoked since it was last used)."""

    slug = "unauthorized"


class Invalid(DomainError):
    """The input breaks a rule; `field` names where (a dotted path)."""

    slug = "validation"

    def __init__(self, field: str | None, message: str, **kwargs):
        super().__init__(message, field=field, **kwargs)


class Malformed(Invalid):
    """A request element (a header) that cannot even be parsed, e.g. an If-Match that is no ETag."""

    slug = "malformed"


class Conflict(DomainError):
    """The input clashes with what is stored: a duplicate, an ambiguous quote, a row still in use."""

    slug = "conflict"


class PreconditionFailed(DomainError):
    """The client's copy is stale (If-Match names another version)."""

    slug = "precondition-failed"


class TooLarge(DomainError):
    """The input is over a limit the operation has (a text too long to extract from)."""

    slug = "too-large"


class Busy(DomainError):
    """No capacity for this work right now (e.g. a server at capacity); worth a retry after
    `retry_after` seconds."""

    slug = "busy"

    def __init__(self, message: str, *, retry_after: int, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
