"""The closed vocabularies of claimtrack, defined once: schemas validate against these,
models default to them, services and the import check them.

Ratings, stances and claim statuses are verdict rules and live in `api.domain.verdicts`.
"""
from __future__ import annotations

# What a source is (DESIGN.md, Resources: Source).
SOURCE_KINDS = ("article", "transcript", "social_post", "other")
DEFAULT_SOURCE_KIND = "article"

# Who made a person, event, mention or claim: a human, the extraction pipeline, or another
# desk's fact-check read from its ClaimReview feed (claims and their sources only).
MANUAL, EXTRACTED, IMPORTED = "manual", "extracted", "imported"
ORIGINS = (MANUAL, EXTRACTED, IMPORTED)

# List pages (DESIGN.md, Conventions: `limit` 1..200, default 50; outside → 422, not clamped).
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 200

# What a span of a source can be, in its annotations.
ANNOTATION_KINDS = ("claim", "person", "event", "evidence")

# A background job's life (api/models/job.py): queued → running → succeeded | failed. A run whose
# worker died goes back to queued while attempts remain.
JOB_QUEUED, JOB_RUNNING, JOB_SUCCEEDED, JOB_FAILED = "queued", "running", "succeeded", "failed"
JOB_STATUSES = (JOB_QUEUED, JOB_RUNNING, JOB_SUCCEEDED, JOB_FAILED)
JOB_FINISHED = (JOB_SUCCEEDED, JOB_FAILED)
# Webhook event types (README, Webhooks): what a registered endpoint can subscribe to.
WEBHOOK_EVENT_TYPES = ("claim.created", "claim.updated", "claim.merged", "claim.deleted", "verdict.recorded",
                       "source.created", "source.deleted", "extraction.completed", "job.failed")
# A delivery's state: waiting for its next attempt, received (2xx), or given up after every attempt.
DELIVERY_PENDING, DELIVERY_SUCCEEDED, DELIVERY_FAILED = "pending", "succeeded", "failed"
DELIVERY_STATUSES = (DELIVERY_PENDING, DELIVERY_SUCCEEDED, DELIVERY_FAILED)
# Audit trail: what was done (people, events and claims merge; "link" is extraction adding a span to a
# claim it matched; "redeliver" an admin resending a webhook delivery) and to what kind of resource.
AUDIT_ACTIONS = ("create", "update", "delete", "merge", "verdict", "revoke", "extract", "redeliver", "link")
AUDIT_RESOURCE_TYPES = ("source", "person", "event", "claim", "key", "webhook")
