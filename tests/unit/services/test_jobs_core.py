"""The job core on a real queue: submit → a real consumer runs it → the Job row says how it went."""
from __future__ import annotations

import json

import pytest

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


def _running_with_expired_lease(kind="test.echo", params=None, attempts=1, max_attempts=3) -> int:
    """A job as a worker killed mid-run leaves it: running, its lease in the past (no message)."""
    import datetime as dt
    from api.models import utcnow
    with database.connection_context():
        return Job.create(kind=kind, params=json.dumps(params or {"value": 1}), status="running", attempts=attempts,
                          max_attempts=max_attempts, actor_name="cli",
                          lease_until=utcnow() - dt.timedelta(seconds=1)).id


def test_recovery_queues_a_run_whose_lease_expired_again_with_backoff_and_a_worker_finishes_it(app):
    job_id = _running_with_expired_lease()
    with database.connection_context():
        assert jobs.recover(pending=set()) == {"requeued": 1, "failed": 0, "resent": 0}
        queued = Job.get_by_id(job_id)
    assert queued.status == "queued" and json.loads(queued.error)["type"] == "/problems/job-lost"
    job = jobs.wait_for(job_id, 60)  # after the first backoff, 5 s
    assert (job.status, job.attempts, json.loads(job.result)) == ("succeeded", 2, {"value": 1})


def test_recovery_fails_a_job_whose_last_attempt_died_with_a_problem_object(app):
    job_id = _running_with_expired_lease(attempts=3, max_attempts=3)
    with database.connection_context():
        assert jobs.recover(pending=set()) == {"requeued": 0, "failed": 1, "resent": 0}
        job = Job.get_by_id(job_id)
    problem = json.loads(job.error)
    assert job.status == "failed" and job.finished_at is not None
    assert (problem["type"], problem["status"]) == ("/problems/job-lost", 500)


def test_a_run_that_lost_its_job_cannot_commit_its_writes(app):
    from api.models import Source
    from api.services.jobs import Superseded, start
    with database.connection_context():
        job = Job.create(kind="test.echo", params="{}", actor_name="cli")
        run = start(job.id)
        Job.update(status="queued").where(Job.id == job.id).execute()  # recovery took it back
        with pytest.raises(Superseded):
            with run.atomic():
                Source.create(text="never stored", text_sha256="0" * 64, length=12, length_utf16=12)
                run.succeed({})
        assert not Source.select().where(Source.text == "never stored").exists()


def test_backoff_doubles_from_five_seconds_up_to_five_minutes():
    assert [jobs.backoff_seconds(n) for n in (1, 2, 3, 4, 8, 20)] == [5, 10, 20, 40, 300, 300]


def test_a_queued_job_whose_message_was_lost_is_sent_again(app):
    import datetime as dt
    from api.models import utcnow
    with database.connection_context():
        job = Job.create(kind="test.echo", params=json.dumps({"value": 3}), actor_name="cli",
                         lease_until=utcnow() - dt.timedelta(seconds=1))
        assert jobs.recover(pending=set())["resent"] == 1
    assert jobs.wait_for(job.id, 30).status == "succeeded"
