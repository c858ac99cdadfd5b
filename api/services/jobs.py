"""Background jobs: submit one, follow it, and the state changes a run goes through.

The `Job` row is the source of truth; the queue (api/jobs/queue.py) only carries its key.
A run: `start` claims a queued job (one UPDATE, so two messages for one job run it once),
`renew` is its heartbeat, `progress` reports done/total, and the job's own writes commit in
one transaction with `succeed` (`JobRun.atomic`), so a run killed before that commit leaves
nothing behind. A run whose lease expired (its worker was killed: huey pops messages without
acknowledgement) is put back by `recover` with exponential backoff, until `max_attempts`; then
it is failed with a problem object. A run whose handler raises a domain error fails at once
(the same input would fail again).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

from api.db import database, is_postgres
from api.domain.errors import NotFound
from api.domain.ids import encode_id
from api.domain.roles import role_allows
from api.domain.vocabulary import JOB_FAILED, JOB_FINISHED, JOB_QUEUED, JOB_RUNNING, JOB_SUCCEEDED
from api.models import Job, utcnow
from api.pagination import Page, paginate
from api.services.audit import Actor

log = logging.getLogger(__name__)

# Retry backoff after a crashed run: BACKOFF_BASE * 2**(attempts-1) seconds, at most BACKOFF_MAX.
BACKOFF_BASE, BACKOFF_MAX = 5.0, 300.0
SETTINGS = {"lease_seconds": 60, "max_attempts": 3}


def configure(*, lease_seconds: int, max_attempts: int) -> None:
    """The lease and attempts of new runs (create_app and the worker set them from Config)."""
    SETTINGS["lease_seconds"] = max(1, lease_seconds)
    SETTINGS["max_attempts"] = max(1, max_attempts)


@dataclass(frozen=True)
class Viewer:
    """Who asks to see jobs: an API key's id and role. Admins see every job, others their own."""

    key_id: int | None
    role: str


# The transport: api.jobs.queue registers its `enqueue` here (services know nothing of huey).
_TRANSPORT: dict = {"send": None}


def use_transport(send) -> None:
    """Set the function that puts a job's key on the queue: send(job_id, delay=seconds)."""
    _TRANSPORT["send"] = send


def _enqueue(job_id: int, delay: float = 0) -> None:
    """Send the job's message. If the queue cannot be reached the job stays queued, and `recover`
    sends it again once its lease has expired: never lost, only late."""
    try:
        _TRANSPORT["send"](job_id, delay=delay)
    except Exception:
        log.warning("job %s: the queue could not be reached; recovery will send it again", job_id, exc_info=True)


def submit(kind: str, params: dict, *, actor: Actor, role: str | None = None, total: int | None = None,
           max_attempts: int | None = None, send: bool = True) -> Job:
    """Store a queued job of `kind` with JSON-able `params` and put it on the queue (unless not
    `send`: a command that runs the job itself, see api.jobs.tasks.run_job).

    Inside a transaction wrapped in `sending_after_commit` the message is sent once it commits
    (a job whose row rolled back is never run); otherwise at once. Returns the Job row."""
    job = Job.create(kind=kind, params=json.dumps(params, sort_keys=True), actor_key_id=actor.key_id,
                     actor_name=actor.name, actor_role=role, progress_total=total,
                     max_attempts=max_attempts or SETTINGS["max_attempts"], lease_until=_lease_end())
    if send:
        after_commit(lambda: _enqueue(job.id))
    return job


_AFTER_COMMIT: dict[int, list] = {}


def after_commit(callback) -> None:
    """Run `callback` when the transaction wrapped in `sending_after_commit` commits (dropped on
    rollback); at once when there is no such wrapper."""
    waiting = _AFTER_COMMIT.get(id(database.connection())) if database.in_transaction() else None
    if waiting is None:
        callback()
    else:
        waiting.append(callback)


@contextmanager
def sending_after_commit():
    """Wrap a transaction whose `submit`s should be sent when it commits: `with sending_after_commit(),
    database.atomic(): …`. Messages are dropped if it rolls back."""
    key = id(database.connection())
    _AFTER_COMMIT.setdefault(key, [])
    try:
        yield
    except BaseException:
        _AFTER_COMMIT.pop(key, None)
        raise
    for callback in _AFTER_COMMIT.pop(key, []):
        callback()


def _lease_end() -> dt.datetime:
    return utcnow() + dt.timedelta(seconds=SETTINGS["lease_seconds"])


def _locked(job_id: int) -> Job | None:
    query = Job.select().where(Job.id == job_id)
    return (query.for_update() if is_postgres() else query).first()


@dataclass
class JobRun:
    """One run of a job, handed to its handler: `params`, the `actor` who submitted it, and
    `progress`/`atomic`/`succeed` to report. `attempt` tells this run from a later one."""

    job_id: int
    kind: str
    attempt: int
    params: dict
    actor: Actor
    finished: bool = False
    on_progress: object = None  # called with (done, total) too: a command following its own job

    def progress(self, done: int, total: int | None = None) -> None:
        """Record done/total (and renew the lease). Between the job's transactions others see it
        at once; inside `atomic` it commits with the job's writes (`on_progress` still hears it)."""
        if self.on_progress is not None:
            self.on_progress(done, total)
        values = {Job.progress_done: done, Job.updated_at: utcnow(), Job.lease_until: _lease_end()}
        if total is not None:
            values[Job.progress_total] = total
        with database.atomic():
            Job.update(values).where(self._mine()).execute()

    def _mine(self):
        return (Job.id == self.job_id) & (Job.status == JOB_RUNNING) & (Job.attempts == self.attempt)

    @contextmanager
    def atomic(self):
        """A transaction holding the job row: the job's writes and its `succeed` commit together.
        Raises Superseded (and writes nothing) if this run no longer owns the job: its lease
        expired and another run took over."""
        with database.atomic():
            job = _locked(self.job_id)
            if job is None or job.status != JOB_RUNNING or job.attempts != self.attempt:
                raise Superseded(self.job_id)
            yield self

    def succeed(self, result: dict, *, done: int | None = None) -> None:
        """Mark the job succeeded with its `result` summary (JSON-able: the ids created). Inside
        `atomic`, it commits with the job's writes."""
        with database.atomic():
            now = utcnow()
            changes = {Job.status: JOB_SUCCEEDED, Job.result: json.dumps(result), Job.finished_at: now,
                       Job.updated_at: now, Job.lease_until: None}
            if done is not None:
                changes[Job.progress_done] = done
            if Job.update(changes).where(self._mine()).execute() != 1:
                raise Superseded(self.job_id)
        self.finished = True


class Superseded(Exception):
    """This run lost its job (its lease expired and the job was retried or failed meanwhile)."""


def start(job_id: int) -> JobRun | None:
    """Claim a queued job for a run: running, attempts + 1, a fresh lease. None when the job is
    not queued (already taken by another message for it, finished, or gone)."""
    with database.atomic():
        job = _locked(job_id)
        if job is None or job.status != JOB_QUEUED:
            return None
        now = utcnow()
        attempt = job.attempts + 1
        Job.update({Job.status: JOB_RUNNING, Job.attempts: attempt, Job.started_at: now, Job.updated_at: now,
                    Job.lease_until: _lease_end()}).where((Job.id == job_id) & (Job.status == JOB_QUEUED)).execute()
    return JobRun(job.id, job.kind, attempt, json.loads(job.params),
                  Actor(key_id=job.actor_key_id, name=job.actor_name))


def renew(run: JobRun) -> bool:
    """The heartbeat: push the lease forward. False if the run no longer owns the job."""
    with database.atomic():
        return Job.update({Job.lease_until: _lease_end()}).where(run._mine()).execute() == 1


def fail(run: JobRun, problem: dict) -> None:
    """Mark the job failed for good with `problem` (an RFC 9457 problem object)."""
    with database.atomic():
        _mark_failed(run._mine(), problem)


def _mark_failed(condition, problem: dict) -> int:
    now = utcnow()
    return Job.update({Job.status: JOB_FAILED, Job.error: json.dumps(problem), Job.finished_at: now,
                       Job.updated_at: now, Job.lease_until: None}).where(condition).execute()


def backoff_seconds(attempts: int) -> float:
    """Seconds before retry number `attempts` (1, 2, …): 5, 10, 20 … at most 300."""
    return min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(0, attempts - 1))


def retry_or_fail(run: JobRun, problem: dict) -> str:
    """After a run that crashed (an unexpected error): queued again with backoff while attempts
    remain, else failed with `problem`. Returns the new status."""
    with sending_after_commit(), database.atomic():
        job = _locked(run.job_id)
        if job is None or job.status != JOB_RUNNING or job.attempts != run.attempt:
            return job.status if job else JOB_FAILED
        return _requeue_or_fail(job, problem)


def _requeue_or_fail(job: Job, problem: dict) -> str:
    now = utcnow()
    if job.attempts >= job.max_attempts:
        _mark_failed(Job.id == job.id, problem)
        return JOB_FAILED
    delay = backoff_seconds(job.attempts)
    Job.update({Job.status: JOB_QUEUED, Job.updated_at: now, Job.error: json.dumps(problem),
                Job.lease_until: now + dt.timedelta(seconds=delay + SETTINGS["lease_seconds"])}) \
        .where(Job.id == job.id).execute()
    after_commit(lambda: _enqueue(job.id, delay))
    return JOB_QUEUED


LOST_PROBLEM = {"type": "/problems/job-lost", "title": "Job lost", "status": 500,
                "detail": "The worker running this job stopped (killed or crashed) before it finished, "
                          "on every attempt; nothing of it was stored."}


def recover(pending: set[int] | None = None) -> dict[str, int]:
    """Put back what a dead worker dropped. Running jobs whose lease expired (the worker died:
    no heartbeat) are queued again with backoff, or failed after max_attempts. Queued jobs
    whose lease expired and that have no message waiting (`pending`, their ids; None: do not
    check queued jobs) get a new message. Returns counts {requeued, failed, resent}."""
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    now = utcnow()
    expired = [j.id for j in Job.select(Job.id).where((Job.status == JOB_RUNNING) & (Job.lease_until < now))]
    for job_id in expired:
        with sending_after_commit(), database.atomic():
            job = _locked(job_id)
            if job is None or job.status != JOB_RUNNING or job.lease_until >= utcnow():
                continue
            status = _requeue_or_fail(job, LOST_PROBLEM)
            counts["requeued" if status == JOB_QUEUED else "failed"] += 1
    if pending is not None:
        stale = Job.select(Job.id).where((Job.status == JOB_QUEUED) & (Job.lease_until < now))
        for job in stale:
            with database.atomic():
                Job.update({Job.lease_until: _lease_end()}).where(Job.id == job.id).execute()
            if job.id not in pending:
                _enqueue(job.id)
                counts["resent"] += 1
    return counts


# --- reading jobs ---------------------------------------------------------------------------

def _visible(query, viewer: Viewer):
    """Jobs of the kinds `viewer`'s role may see (VISIBLE_TO), and those it submitted; admins see all."""
    if role_allows(viewer.role, "admin"):
        return query
    kinds = [kind for kind, role in VISIBLE_TO.items() if role_allows(viewer.role, role)]
    mine = Job.actor_key_id == viewer.key_id if viewer.key_id is not None else Job.id.in_([])
    return query.where(Job.kind.in_(kinds) | mine)


def get_job(pk: int, viewer: Viewer | None = None) -> Job:
    """The job with this key; NotFound if there is none or `viewer` may not see it (see _visible)."""
    query = Job.select().where(Job.id == pk)
    job = (_visible(query, viewer) if viewer is not None else query).first()
    if job is None:
        raise NotFound.of("job", encode_id("job", pk))
    return job


def list_jobs(filters: dict, viewer: Viewer, *, sort: str, cursor: str | None, limit: int) -> Page:
    """A page of the jobs `viewer` may see, filtered by `kind` and `status`."""
    query = _visible(Job.select(), viewer)
    if filters.get("kind"):
        query = query.where(Job.kind == filters["kind"])
    if filters.get("status"):
        query = query.where(Job.status == filters["status"])
    return paginate(query, sort=sort, cursor=cursor, limit=limit)


def wait_for(pk: int, seconds: float) -> Job:
    """The job once finished, or as it is after `seconds` (polling its row, 20 ms growing to 250 ms)."""
    deadline = time.monotonic() + seconds
    interval = 0.02
    while True:
        job = Job.get_by_id(pk)
        if job.status in JOB_FINISHED or time.monotonic() >= deadline:
            return job
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
        interval = min(0.25, interval * 1.5)


def finished_jobs(pks: list[int]) -> dict[int, Job]:
    """Those of these jobs that have finished (succeeded or failed), by key."""
    if not pks:
        return {}
    return {job.id: job for job in Job.select().where(Job.id.in_(pks) & Job.status.in_(JOB_FINISHED))}


def job_result(job: Job) -> dict | None:
    return json.loads(job.result) if job.result else None


def job_error(job: Job) -> dict | None:
    return json.loads(job.error) if job.error else None



# Which role sees every job of a kind (set by api.jobs.registry.job_kind); unknown kinds: admins.
VISIBLE_TO: dict[str, str] = {}


def set_visibility(kind: str, role: str) -> None:
    VISIBLE_TO[kind] = role
