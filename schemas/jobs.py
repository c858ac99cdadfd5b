from __future__ import annotations

import json

from marshmallow import Schema, fields, validate

from api.domain.ids import encode_id
from api.domain.vocabulary import JOB_STATUSES
from schemas.common import PublicId, Timestamp, list_query_schema, page_schema, text_field


class JobProgressSchema(Schema):
    done = fields.Integer(metadata={"description": "Units of work done (files, lines, sources)."})
    total = fields.Integer(allow_none=True, metadata={"description": "Units in all, when known."})


class JobSchema(Schema):
    """A background job (GET /v1/jobs/{job_id}): follow it until `status` is succeeded or failed."""

    id = PublicId("job")
    kind = fields.String(metadata={"description": "What it does: `extraction`, …"})
    status = fields.String(metadata={"enum": list(JOB_STATUSES)})
    progress = fields.Function(lambda j: {"done": j.progress_done, "total": j.progress_total},
                               metadata={"description": "done/total"})
    attempts = fields.Integer(metadata={"description": "Runs started (a run whose worker died is retried)."})
    max_attempts = fields.Integer()
    created_at = Timestamp()
    started_at = Timestamp(allow_none=True, metadata={"description": "When the latest run started."})
    finished_at = Timestamp(allow_none=True)
    result = fields.Function(lambda j: json.loads(j.result) if j.result else None, allow_none=True,
                             metadata={"description": "When succeeded: a summary, with the ids of what it created."})
    error = fields.Function(lambda j: json.loads(j.error) if j.status == "failed" and j.error else None,
                            allow_none=True, metadata={"description": "When failed: why, as a problem object "
                                                                      "(RFC 9457)."})
    submitted_by = fields.Function(lambda j: {"id": encode_id("key", j.actor_key_id) if j.actor_key_id else None,
                                              "name": j.actor_name},
                                   metadata={"description": "The API key (id, name) that started it; id null for "
                                                            "the command line."})


class JobRefSchema(Schema):
    """The job started for a resource (a source created with `extract: true`)."""

    id = PublicId("job")
    status = fields.String(metadata={"enum": list(JOB_STATUSES)})
    href = fields.String(metadata={"description": "Where to follow it: /v1/jobs/{id}."})


JobPageSchema = page_schema(JobSchema, "JobPage")
JobQuerySchema = list_query_schema("JobQuery", ("created_at",), {
    "kind": text_field(64),
    "status": fields.String(validate=validate.OneOf(JOB_STATUSES)),
}, default_sort="-created_at")
