"""The closed vocabularies of claimtrack, defined once: schemas validate against these,
models default to them, services and the import check them.

Ratings, stances and claim statuses are verdict rules and live in `api.domain.verdicts`.
"""
from __future__ import annotations

# What a source is (DESIGN.md, Resources: Source).
SOURCE_KINDS = ("article", "transcript", "social_post", "other")
DEFAULT_SOURCE_KIND = "article"

# Who made a person, event, mention or claim: a human, or the extraction pipeline.
MANUAL, EXTRACTED = "manual", "extracted"
ORIGINS = (MANUAL, EXTRACTED)

# List pages (DESIGN.md, Conventions: `limit` 1..200, default 50; outside → 422, not clamped).
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 200

# What a span of a source can be, in its annotations.
ANNOTATION_KINDS = ("claim", "person", "event", "evidence")

# A background job's life (api/models/job.py): queued → running → succeeded | failed. A run whose
# worker died goes back to queued while attempts remain.
JOB_QUEUED, JOB_RUNNING, JOB_SUCCEEDED, JOB_FAILED = "queued", "running", "succeeded", "failed"
JOB_STATUSES = (JOB_QUEUED, JOB_RUNNING, JOB_SUCCEEDED, JOB_FAILED)
JOB_FINISHED = (JOB_SUCCEEDED, JOB_FAILED)
