"""Jobs over HTTP, run by the session's real consumer (huey on its SQLite store, thread workers):
202 + Location, following a job, `Prefer: wait` (RFC 7240), lists with filters and keyset pages,
who sees which job, Idempotency-Key on a POST that starts one."""
from __future__ import annotations

import time

from api.db import database
from api.domain.ids import decode_id, encode_id
from api.jobs.registry import job_kind
from api.services import jobs
from api.services.audit import Actor
from api.services.extraction import EXTRACTION_JOB
from tests.conftest import PREFER_WAIT_MAX
from tests.support import WAIT, missing_id, sample_text


@job_kind("test.admin-only", visible_to="admin")
def _admin_only(run):
    return {"secret": "for admins"}


def follow(api, location: str, role: str = "checker") -> dict:
    """GET the job until it has finished (the consumer runs it meanwhile)."""
    deadline = time.monotonic() + 120
    while True:
        job = api.get(location, role=role)
        assert job.status_code == 200, job.json
        if job.json["status"] in ("succeeded", "failed"):
            return job.json
        assert job.headers["Retry-After"] == "1"
        assert time.monotonic() < deadline, job.json
        time.sleep(0.1)


def test_an_extraction_answers_202_with_the_job_and_its_location(api, samples):
    response = api.post(f"/v1/sources/{samples['001']['id']}/extraction")
    assert response.status_code == 202
    job = response.json
    assert response.headers["Location"] == f"/v1/jobs/{job['id']}" and job["id"].startswith("job_")
    assert (job["kind"], job["status"], job["progress"], job["result"], job["error"]) == \
        ("extraction", "queued", {"done": 0, "total": 1}, None, None)
    assert job["submitted_by"]["name"] == "test checker"


def test_a_followed_extraction_job_succeeds_with_the_ids_it_stored(api, samples):
    source_id = samples["001"]["id"]
    location = api.post(f"/v1/sources/{source_id}/extraction").headers["Location"]
    job = follow(api, location)
    assert job["status"] == "succeeded" and job["attempts"] == 1 and job["progress"] == {"done": 1, "total": 1}
    assert job["started_at"] <= job["finished_at"] and job["created_at"] <= job["started_at"]
    stored = api.get(f"/v1/claims?source={source_id}&limit=200").json["data"]
    assert job["result"]["source"] == source_id
    assert sorted(c["id"] for c in stored) == sorted(job["result"]["claims"])
    assert {p["name"] for p in api.get("/v1/people?limit=200").json["data"]} >= {"Donald Trump", "Vladimir Putin"}


def test_prefer_wait_answers_with_the_result_and_says_the_preference_was_applied(api, samples):
    response = api.post(f"/v1/sources/{samples['001']['id']}/extraction", headers={"Prefer": "return=minimal, wait=30"})
    assert response.status_code == 200 and response.headers["Preference-Applied"] == "wait=30"
    assert response.json["claims"] and "status" not in response.json


def test_prefer_wait_is_capped_at_the_configured_maximum(api, samples):
    response = api.post(f"/v1/sources/{samples['000']['id']}/extraction", headers={"Prefer": "wait=100000"})
    assert response.status_code == 200 and response.headers["Preference-Applied"] == f"wait={PREFER_WAIT_MAX}"


def test_a_source_created_with_extract_answers_201_with_its_job(api):
    text = "Karin Keller-Sutter said the Swiss economy grew by 3 percent last year."
    response = api.post("/v1/sources", json={"text": text, "extract": True})
    assert response.status_code == 201 and "extraction" not in response.json
    ref = response.json["job"]
    assert ref["href"] == f"/v1/jobs/{ref['id']}" and ref["status"] == "queued"
    job = follow(api, ref["href"])
    assert job["status"] == "succeeded" and job["result"]["source"] == response.json["id"]


def test_a_source_created_with_extract_and_prefer_wait_carries_what_was_extracted(api):
    text = "Karin Keller-Sutter said the Swiss economy grew by 3 percent last year."
    response = api.post("/v1/sources", json={"text": text, "extract": True}, headers=WAIT)
    assert response.status_code == 201 and response.json["job"]["status"] == "succeeded"
    assert any("Keller-Sutter" in p["name"] for p in response.json["extraction"]["people"])
    assert response.json["counts"]["claims"] == len(response.json["extraction"]["claims"]) > 0


def test_an_unknown_or_malformed_job_id_is_404(api):
    for job_id in (missing_id("job"), "job_!!", "src_k3x9q2ma"):
        response = api.get(f"/v1/jobs/{job_id}", role="reader")
        assert response.status_code == 404 and response.json["type"] == "/problems/not-found"


def test_jobs_are_listed_newest_first_in_keyset_pages_filtered_by_kind_and_status(api, samples):
    started = [api.post(f"/v1/sources/{samples[key]['id']}/extraction", headers=WAIT) for key in ("000", "001", "000")]
    assert [r.status_code for r in started] == [200] * 3
    first = api.get("/v1/jobs?limit=2", role="reader")
    assert first.status_code == 200 and len(first.json["data"]) == 2 and first.json["next_cursor"]
    second = api.get(f"/v1/jobs?limit=2&cursor={first.json['next_cursor']}", role="reader").json
    listed = first.json["data"] + second["data"]
    assert second["next_cursor"] is None and len(listed) == 3
    assert [j["created_at"] for j in listed] == sorted((j["created_at"] for j in listed), reverse=True)
    assert len(api.get("/v1/jobs?kind=extraction&status=succeeded").json["data"]) == 3
    assert api.get("/v1/jobs?status=failed").json["data"] == []
    assert api.get("/v1/jobs?kind=import").json["data"] == []


def test_a_bad_job_filter_is_422(api):
    response = api.get("/v1/jobs?status=finished")
    assert response.status_code == 422 and "status" in response.json["errors"]


def test_jobs_of_an_admin_only_kind_are_seen_by_admins_and_their_submitter_only(api):
    checker = next(k for k in api.get("/v1/keys", role="admin").json if k["name"] == "test checker")
    with database.connection_context():
        job = jobs.submit("test.admin-only", {}, actor=Actor(decode_id("key", checker["id"]), "test checker"),
                          role="checker")
    job_id = encode_id("job", job.id)
    assert follow(api, f"/v1/jobs/{job_id}", role="admin")["result"] == {"secret": "for admins"}
    assert api.get(f"/v1/jobs/{job_id}", role="checker").status_code == 200  # its submitter
    assert api.get(f"/v1/jobs/{job_id}", role="reader").status_code == 404
    assert api.get("/v1/jobs?kind=test.admin-only", role="reader").json["data"] == []
    for role in ("checker", "admin"):
        assert [j["id"] for j in api.get("/v1/jobs?kind=test.admin-only", role=role).json["data"]] == [job_id]


def test_an_idempotency_key_replays_the_same_job(api, samples):
    url = f"/v1/sources/{samples['001']['id']}/extraction"
    first = api.post(url, headers={"Idempotency-Key": "extract-once"})
    again = api.post(url, headers={"Idempotency-Key": "extract-once"})
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json["id"] == first.json["id"] and again.headers["Location"] == first.headers["Location"]
    assert len(api.get("/v1/jobs?kind=extraction").json["data"]) == 1


def test_a_text_over_the_extraction_limit_is_413_before_any_job(api):
    from api.extraction import MAX_CHARS
    source = api.post("/v1/sources", json={"text": "Word " * (MAX_CHARS // 5 + 10), "title": "long"}).json
    response = api.post(f"/v1/sources/{source['id']}/extraction")
    assert response.status_code == 413 and response.json["type"] == "/problems/text-too-long-to-extract"
    assert api.get("/v1/jobs").json["data"] == []


def test_a_job_that_fails_shows_its_problem_and_prefer_wait_answers_with_it(api):
    source = api.post("/v1/sources", json={"text": sample_text("000_3e424eb520665100.txt")}).json
    assert api.delete(f"/v1/sources/{source['id']}", role="admin").status_code == 204
    with database.connection_context():
        job = jobs.submit(EXTRACTION_JOB, {"source_id": decode_id("source", source["id"])},
                          actor=Actor(None, "cli"), role="admin")
    failed = follow(api, f"/v1/jobs/{encode_id('job', job.id)}", role="admin")
    assert failed["status"] == "failed" and failed["result"] is None
    assert failed["error"]["status"] == 404 and failed["error"]["type"] == "/problems/not-found"
    assert source["id"] in failed["error"]["detail"]
