"""The problem types: what each `type` URI of a problem+json answer (RFC 9457 §3.1.1) means.

`GET /problems/{slug}` serves a short HTML page from this table, so a `type` followed in a
browser explains itself. A test checks that every slug the code raises is listed here.
"""
from __future__ import annotations

import re
from html import escape

from flask import Blueprint, Response

from api.domain.errors import NotFound

PROBLEM_TYPES: dict[str, tuple[int, str, str]] = {
    # slug: (status, title, what it means and what to do)
    "untrusted-host": (400, "Untrusted host", "The request's `Host` header is not one of CLAIMTRACK_ALLOWED_HOSTS "
                       "(and CLAIMTRACK_PUBLIC_URL is not set). Call the API by a host name the operator allows."),
    "validation": (422, "Invalid input", "A field of the body or query is missing, of the wrong type or out of range, "
                   "or the body or query has a field the API does not know. `errors` maps each field (a dotted path "
                   "such as `appearances.0.exact`) to its messages."),
    "quote-not-found": (422, "Quote not found", "The `exact` text of a span does not occur in the source (typographic "
                        "quotes, dashes and non-breaking spaces match their keyboard forms)."),
    "invalid-span": (422, "Invalid span", "A span's offsets are out of range, empty, or disagree with its `exact` text."),
    "ambiguous-quote": (409, "Ambiguous quote", "The quote occurs more than once in the source; `candidates` lists "
                        "every occurrence. Add `prefix` or `suffix`, or give `start`/`end`."),
    "duplicate-source": (409, "Duplicate source", "A source with the same text (same SHA-256) is already stored; "
                         "`existing` names it."),
    "source-in-use": (409, "Source in use", "The source cannot be deleted while claims, mentions or verdict evidence "
                      "point into it (evidence is kept for good)."),
    "claim-has-verdicts": (409, "Claim has verdicts", "Verdicts are append-only history, so a claim with verdicts is "
                           "never deleted: record a new verdict (e.g. `unverifiable`, with the reason) instead."),
    "idempotency-key-in-use": (409, "Idempotency key in use", "The first request with this Idempotency-Key has not "
                               "finished, or its outcome is unknown: GET the resource to see whether it was stored "
                               "before retrying with a new key."),
    "not-empty": (409, "Database not empty", "An import loads only into an empty database."),
    "conflict": (409, "Conflict", "The input clashes with what is stored; the detail says how."),
    "last-admin-key": (409, "Last admin key", "Revoking this key would leave no active admin key: create another "
                       "admin key first."),
    "insufficient-evidence": (422, "Insufficient evidence", "The rating needs evidence of a matching stance: "
                              "`corroborated` a piece that supports the claim, `contradicted` one that refutes it."),
    "not-reviewed": (404, "Not reviewed", "The claim has no verdict yet, so there is no ClaimReview to publish."),
    "not-found": (404, "Not found", "No resource has the id in the URL."),
    "invalid-cursor": (422, "Invalid cursor", "The `cursor` is malformed or was made for another sort order."),
    "invalid-precondition": (400, "Invalid precondition", "If-Match or If-None-Match is not an entity tag such as "
                             "`\"clm_….v3\"` (quoted) or `*`."),
    "precondition-failed": (412, "Precondition failed", "The resource changed since you read it: GET it again and "
                            "retry with its new ETag."),
    "malformed": (400, "Malformed request", "A request element (a header) cannot be parsed; the detail names it."),
    "malformed-json": (400, "Malformed JSON", "The request body is not valid JSON (or is nested too deeply)."),
    "unsupported-media-type": (415, "Unsupported media type", "Send the body as JSON with "
                               "`Content-Type: application/json`."),
    "body-too-large": (413, "Body too large", "The request body is over the configured limit "
                       "(CLAIMTRACK_MAX_BODY_BYTES; the detail and `limit_bytes` state it). Chunked bodies count too."),
    "too-large": (413, "Too large", "The input is over a limit of the operation; the detail states it."),
    "text-too-long-to-extract": (413, "Text too long to extract", "The source is longer than the extraction limit: "
                                 "split it into several sources."),
    "error": (422, "Error", "The request was refused; the detail says why."),
    "cannot-extract": (422, "Cannot extract", "The extraction pipeline cannot work on this text."),
    "busy": (503, "Busy", "The server has no capacity for this work right now: retry after the Retry-After seconds."),
    "job-lost": (500, "Job lost", "A job's error: the worker running it stopped (killed, or its machine went down) "
                 "before it finished, on every one of its attempts (CLAIMTRACK_JOB_MAX_ATTEMPTS). Nothing of it was "
                 "stored: each run commits its writes together with its success. Start it again."),
    "job-crashed": (500, "Job crashed", "A job's error: it stopped on an unexpected error on every attempt (the "
                    "worker's log has the details). Nothing of the failed runs was stored."),
    "unknown-job-kind": (422, "Unknown job kind", "A job's error: the worker that took it has no handler for its kind "
                         "(a worker older than the server that queued it): upgrade the workers."),
    "unauthorized": (401, "Unauthorized", "Send a valid API key: `Authorization: Bearer <key>`. Keys are created with "
                     "`claimtrack keys create` or, by an admin, with POST /v1/keys."),
    "forbidden": (403, "Forbidden", "The key's role is too low: reader may read, checker may also create and edit, "
                  "admin may also delete, merge and manage keys."),
    "rate-limited": (429, "Rate limited", "Too many requests with this key, or too many failed authentications from "
                     "this address: wait the Retry-After seconds."),
    "database-unavailable": (503, "Database unavailable", "The database could not be reached or stayed locked; "
                             "retry after the Retry-After seconds."),
    "schema-not-ready": (503, "Schema not ready", "The database has no schema, or one behind the code: run "
                         "`claimtrack init-db`."),
}

blp = Blueprint("problems", __name__)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} – claimtrack problem</title></head>
<body><h1>{title}</h1><p>HTTP status {status}. Problem type <code>/problems/{slug}</code>.</p>
<p>{text}</p><p><a href="/docs/">API documentation</a> · <a href="/openapi.yaml">openapi.yaml</a></p></body></html>
"""


@blp.get("/problems/<slug>")
def problem_type(slug: str):
    if slug not in PROBLEM_TYPES:
        raise NotFound.of("problem type", slug)
    status, title, text = PROBLEM_TYPES[slug]
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))
    return Response(PAGE.format(title=escape(title), status=status, slug=escape(slug), text=text),
                    mimetype="text/html")


problem_type.public = True
