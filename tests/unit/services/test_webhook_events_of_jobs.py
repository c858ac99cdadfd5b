"""The events the queue's work makes: a job marked failed writes job.failed in the transaction that
fails it, and an extraction job writes extraction.completed (and claim.created for each claim it
stores) with what it stored. The session's real consumer runs the jobs."""
from __future__ import annotations

import json

from api.domain.ids import encode_id
from api.models import WebhookEvent
from api.services import jobs
from api.services.extraction import submit_extraction
from api.services.sources import create_source
from tests.support import sample_text


def events_of(event_type: str) -> list[dict]:
    return [json.loads(e.body)["data"] for e in WebhookEvent.select().where(WebhookEvent.type == event_type)
            .order_by(WebhookEvent.id)]


def test_a_failed_job_writes_job_failed_with_its_problem(db, checker):
    job = jobs.submit("no-such-kind", {}, actor=checker, role="checker")
    failed = jobs.wait_for(job.id, 60)
    assert failed.status == "failed"
    (data,) = events_of("job.failed")
    public = encode_id("job", job.id)
    assert data == {"id": public, "href": f"/v1/jobs/{public}", "kind": "no-such-kind",
                    "error": json.loads(failed.error)}


def test_an_extraction_job_writes_extraction_completed_with_what_it_stored(db, checker):
    source = create_source({"text": sample_text("001_87f9c890ea636cff.txt")}, actor=checker).source.id
    job = submit_extraction(source, actor=checker, role="checker")
    result = json.loads(jobs.wait_for(job.id, 300).result)
    (data,) = events_of("extraction.completed")
    public = encode_id("source", source)
    assert (data["id"], data["href"]) == (public, f"/v1/sources/{public}")
    assert data["claims"] == result["claims"] and data["mentions"] == result["mentions"]
    assert [c["id"] for c in events_of("claim.created")] == result["claims"]
