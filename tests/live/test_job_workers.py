"""Real `claimtrack worker` processes on a real queue store: the embedded SQLite file and (marked
`redis`) a shared Redis, against this pass's database (SQLite, or PostgreSQL in the PostgreSQL
pass). A worker killed with SIGKILL mid-job loses nothing: the job is run again and its writes
are stored exactly once; nothing of the killed run is stored."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from api.db import database
from api.jobs import queue
from api.jobs.queue import submitting_to
from api.models import AuditEntry, Job
from api.services import jobs
from tests.conftest import REDIS_URL
from tests.support import WAIT, sample_text

LEASE_SECONDS = 2  # short, so that a killed run is taken for dead within seconds


def long_text() -> str:
    """Several articles in one source: an extraction that runs for seconds."""
    return "\n\n".join([sample_text("000_3e424eb520665100.txt"), sample_text("001_87f9c890ea636cff.txt")] * 6)


@pytest.fixture(params=["embedded", pytest.param("redis", marks=pytest.mark.redis)])
def store(request, tmp_path) -> dict[str, str]:
    """The queue the workers share: a SQLite file, or Redis under a queue name of this test's own
    (keys cannot clash with other tests using the same Redis database)."""
    if request.param == "embedded":
        yield {"CLAIMTRACK_QUEUE_URL": f"sqlite:///{tmp_path / 'workers-queue.db'}",
               "CLAIMTRACK_QUEUE_NAME": "claimtrack"}
        return
    name = f"test-jobs-{uuid.uuid4().hex[:12]}"
    yield {"CLAIMTRACK_QUEUE_URL": REDIS_URL, "CLAIMTRACK_QUEUE_NAME": name}
    queue.build_huey(REDIS_URL, name=name).storage.flush_all()


@contextmanager
def worker_process(database_url: str, store: dict, log: Path, threads: int = 1):
    env = {**os.environ, "DATABASE_URL": database_url, **store, "CLAIMTRACK_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
           "CLAIMTRACK_PRELOAD_MODEL": "0", "CLAIMTRACK_LOG_LEVEL": "info"}
    with open(log, "ab") as output:
        process = subprocess.Popen([str(Path(sys.executable).with_name("claimtrack")), "worker",
                                    "--threads", str(threads)], env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


@contextmanager
def submitting(store: dict):
    """This process's job messages go to the workers' store meanwhile."""
    with submitting_to(queue.build_huey(store["CLAIMTRACK_QUEUE_URL"], name=store["CLAIMTRACK_QUEUE_NAME"])):
        yield


def job_row(job_id: str) -> Job:
    from api.domain.ids import decode_id
    with database.connection_context():
        return Job.get_by_id(decode_id("job", job_id))


def wait_for_status(job_id: str, statuses: tuple[str, ...], process=None, timeout: float = 240) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = job_row(job_id)
        if job.status in statuses:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job.status}"
        assert process is None or process.poll() is None, "the worker exited"
        time.sleep(0.05)


def test_worker_processes_run_extraction_jobs_sent_over_http(api, database_url, store, tmp_path):
    sources = [api.post("/v1/sources", json={"title": f"part {n}", "text": f"{sample_text('001_87f9c890ea636cff.txt')}"
                                                                        f"\n\n(Part {n}.)"}).json for n in range(3)]
    with submitting(store), worker_process(database_url, store, tmp_path / "w1.log") as one, \
            worker_process(database_url, store, tmp_path / "w2.log") as two:
        started = [api.post(f"/v1/sources/{s['id']}/extraction") for s in sources]
        assert [r.status_code for r in started] == [202] * 3
        finished = [wait_for_status(r.json["id"], ("succeeded", "failed"), one) for r in started]
        assert two.poll() is None
    assert [job.status for job in finished] == ["succeeded"] * 3
    for source, response in zip(sources, started):
        result = api.get(response.headers["Location"]).json["result"]
        # The texts repeat: a later run may link its claims to those stored first (matching).
        assert result["source"] == source["id"] and (result["claims"] or result["linked_claims"])
        stored = api.get(f"/v1/claims?source={source['id']}&limit=200").json["data"]
        assert sorted(c["id"] for c in stored) == sorted(result["claims"] + result["linked_claims"])


def test_a_worker_killed_mid_job_loses_nothing_and_stores_nothing_half(api, database_url, store, tmp_path):
    source = api.post("/v1/sources", json={"title": "long", "text": long_text()}).json
    with submitting(store):
        with worker_process(database_url, store, tmp_path / "killed.log") as doomed:
            job_id = api.post(f"/v1/sources/{source['id']}/extraction").json["id"]
            wait_for_status(job_id, ("running",), doomed)
            os.kill(doomed.pid, signal.SIGKILL)  # mid-job: loading the model or extracting
            doomed.wait(timeout=10)
        killed = job_row(job_id)
        assert (killed.status, killed.attempts) == ("running", 1)
        # Nothing of the killed run was stored: its writes commit only with the job's success.
        assert api.get(f"/v1/sources/{source['id']}").json["counts"] == {"claims": 0, "mentions": 0}
        with database.connection_context():
            assert not AuditEntry.select().where(AuditEntry.action == "extract").exists()

        with worker_process(database_url, store, tmp_path / "second.log") as second:
            # It takes the job over once the killed run's lease has expired (at its start, or
            # from its periodic recovery).
            done = wait_for_status(job_id, ("succeeded", "failed"), second)
    assert (done.status, done.attempts) == ("succeeded", 2)
    result = api.get(f"/v1/jobs/{job_id}").json["result"]
    stored = api.get(f"/v1/claims?source={source['id']}&limit=200").json["data"]
    assert result["claims"] and sorted(c["id"] for c in stored) == sorted(result["claims"])
    with database.connection_context():
        assert AuditEntry.select().where(AuditEntry.action == "extract").count() == 1


def test_prefer_wait_answers_with_the_result_a_worker_process_stored(api, database_url, store, tmp_path):
    source = api.post("/v1/sources", json={"title": "short", "text": sample_text("000_3e424eb520665100.txt")}).json
    with submitting(store), worker_process(database_url, store, tmp_path / "w.log"):
        response = api.post(f"/v1/sources/{source['id']}/extraction", headers=WAIT)
    assert response.status_code == 200 and response.headers["Preference-Applied"] == WAIT["Prefer"]
    assert {p["name"] for p in response.json["people"]} >= {"Donald Trump"}
