"""The job core on a real queue: submit → a real consumer runs it → the Job row says how it went."""
from __future__ import annotations

import json

from api.db import database
from api.jobs.registry import job_kind
from api.models import Job
from api.services import jobs
from api.services.audit import CLI


@job_kind("test.echo")
def _echo(run, value: int):
    run.progress(1, 2)
    return {"value": value}


@job_kind("test.refuse")
def _refuse(run):
    from api.domain.errors import Invalid
    raise Invalid("value", "no thanks")


def _submitted(kind, params):
    with database.connection_context():
        return jobs.submit(kind, params, actor=CLI).id


def test_a_submitted_job_is_run_by_the_consumer_and_its_result_recorded(app):
    job_id = _submitted("test.echo", {"value": 7})
    job = jobs.wait_for(job_id, 30)
    assert (job.status, json.loads(job.result), job.attempts) == ("succeeded", {"value": 7}, 1)


def test_a_domain_error_fails_the_job_at_once_with_its_problem(app):
    job = jobs.wait_for(_submitted("test.refuse", {}), 30)
    assert (job.status, job.attempts, json.loads(job.error)["type"]) == ("failed", 1, "/problems/validation")
