from __future__ import annotations

import json

from flask import Response, current_app, url_for
from flask.views import MethodView

from api.domain.vocabulary import JOB_FAILED, JOB_SUCCEEDED
from api.errors import PROBLEM_MIMETYPE
from api.services import jobs
from api.views.common import Blueprint, acting_role, page_result, preferred_wait, split_query
from schemas.jobs import JobPageSchema, JobQuerySchema, JobSchema

blp = Blueprint("jobs", __name__, url_prefix="/v1/jobs",
                description="Background work (extraction, imports): follow a job until it succeeds or fails.")

JOB_SCHEMA = JobSchema()
# How often a client polling a queued or running job is asked to come back (seconds).
POLL_AFTER_SECONDS = 1


def _viewer() -> jobs.Viewer:
    from flask import g
    return jobs.Viewer(key_id=g.api_key.id, role=acting_role())


@blp.route("")
class Jobs(MethodView):
    @blp.arguments(JobQuerySchema, location="query")
    @blp.response(200, JobPageSchema)
    def get(self, query):
        """List jobs, newest first (filters: kind, status)

        A key sees the jobs it started and every job of the kinds its role may see (extraction:
        every reader); admins see all."""
        filters, paging = split_query(query)
        page = jobs.list_jobs(filters, _viewer(), **paging)
        return page_result(page.items, page)


@blp.route("/<job:job_id>")
class Job(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """Get a job: status, progress, timestamps, result or error (404 if unknown or not yours to see)"""
        job = jobs.get_job(job_id, _viewer())
        headers = {} if job.status in (JOB_SUCCEEDED, JOB_FAILED) else {"Retry-After": str(POLL_AFTER_SECONDS)}
        return job, 200, headers


def job_location(job) -> str:
    return url_for("jobs.Job", job_id=job.id)


def job_ref(job) -> dict:
    """JobRefSchema: a job started for a resource."""
    return {"id": job.id, "status": job.status, "href": job_location(job)}


def accepted(job) -> Response:
    """202 Accepted with the job, its Location, and when to poll it."""
    response = current_app.json.response(JOB_SCHEMA.dump(job))
    response.status_code = 202
    response.headers["Location"] = job_location(job)
    response.headers["Retry-After"] = str(POLL_AFTER_SECONDS)
    return response


def stored_problem(problem: dict) -> Response:
    """A failed job's problem object as the answer it would have been in the request."""
    return Response(json.dumps(problem), status=problem.get("status", 422), mimetype=PROBLEM_MIMETYPE)


def answer_when_done(job, on_success):
    """What a POST that started `job` answers. With `Prefer: wait=N` (RFC 7240) and the job
    finished within N seconds: `on_success(result)` (a view's usual return) or the job's problem,
    with `Preference-Applied: wait=N`. Otherwise 202 with the job (see `accepted`)."""
    wait = preferred_wait()
    if wait is None:
        return accepted(job)
    job = jobs.wait_for(job.id, wait)
    applied = {"Preference-Applied": f"wait={wait}"}
    if job.status == JOB_SUCCEEDED:
        body, status, headers = _as_tuple(on_success(jobs.job_result(job)))
        return body, status, {**headers, **applied}
    if job.status == JOB_FAILED:
        response = stored_problem(jobs.job_error(job))
        response.headers.update(applied)
        return response
    return accepted(job)


def _as_tuple(answer) -> tuple:
    if isinstance(answer, tuple):
        body, status, *rest = answer
        return body, status, (rest[0] if rest else {})
    return answer, 200, {}
