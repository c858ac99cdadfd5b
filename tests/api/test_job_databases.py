"""A job belongs to the database its row lives in: it is sent to that database's queue, and the
session's consumer runs it against that database whatever the process's proxy is bound to
meanwhile (api.db.ThreadPinnableProxy, api.jobs.queue)."""
from __future__ import annotations

import json
import threading
import time

from api.app import create_app
from api.db import database, migrate, open_database, pin_thread
from api.jobs import queue
from api.jobs.registry import job_kind
from api.models import Job
from api.services import jobs
from api.services.audit import Actor

ADMIN = Actor(None, "test")


@job_kind("test.which-database", visible_to="admin")
def _which_database(run):
    """Answers with the name of the database the job ran against (a file path, or PostgreSQL's name)."""
    return {"database": database.obj.database}


def finished_on(db, job_id: int, timeout: float = 120) -> Job:
    """The job's row read from `db` (not through the proxy) once it has finished."""
    deadline = time.monotonic() + timeout
    while True:
        with db.connection_context():
            job = Job.select().where(Job.id == job_id).bind(db).get()
        if job.status in ("succeeded", "failed"):
            return job
        assert time.monotonic() < deadline, f"job {job_id} is still {job.status} on its database"
        time.sleep(0.1)


def test_a_job_runs_against_its_queues_database_while_the_process_is_bound_to_another(app, tmp_path):
    own = app.extensions["claimtrack_db"]
    with database.connection_context():
        job = jobs.submit("test.which-database", {}, actor=ADMIN, role="admin", send=False)
    session_queue = queue.current()
    elsewhere = open_database(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    migrate(elsewhere)  # a job table of its own, without this job
    try:
        database.initialize(elsewhere)
        session_queue.claimtrack_tasks["run_job"](job.id)
        finished = finished_on(own, job.id)
    finally:
        database.initialize(own)
        elsewhere.close_all()
    assert finished.status == "succeeded", finished.error
    assert json.loads(finished.result) == {"database": own.database}


def test_a_job_submitted_after_another_app_was_built_goes_to_its_own_databases_queue(app, tmp_path):
    own = app.extensions["claimtrack_db"]
    copy = create_app(app.config["CLAIMTRACK"].with_(database_url=f"sqlite:///{tmp_path / 'copy.db'}", queue_url=None))
    try:
        migrate()  # the copy, which the process is bound to now, with a queue of its own beside it
        database.initialize(own)  # as a test does after building a second app
        with database.connection_context():
            job = jobs.submit("test.which-database", {}, actor=ADMIN, role="admin")
        finished = finished_on(own, job.id)
    finally:
        database.initialize(own)
        copy.extensions["claimtrack_db"].close_all()
    assert finished.status == "succeeded" and json.loads(finished.result) == {"database": own.database}


def test_a_pinned_thread_keeps_its_database_while_the_process_rebinds_and_others_follow(app, tmp_path):
    own = app.extensions["claimtrack_db"]
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    rebound, seen = threading.Event(), {}

    def look(name: str, pin):
        if pin is not None:
            pin_thread(pin)
        rebound.wait()
        seen[name] = database.obj

    threads = [threading.Thread(target=look, args=("pinned", own)), threading.Thread(target=look, args=("free", None))]
    for thread in threads:
        thread.start()
    try:
        database.initialize(other)
        rebound.set()
        for thread in threads:
            thread.join()
        seen["this thread"] = database.obj
    finally:
        database.initialize(own)
    assert seen == {"pinned": own, "free": other, "this thread": other}
