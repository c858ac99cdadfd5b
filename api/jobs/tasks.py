"""The huey tasks: `run_job` (one message = one job's key) and `recover` (every minute, and when a
consumer starts). Job kinds are not huey tasks: they are handlers in api/jobs/kinds, looked up
by the Job row's kind, so adding one needs no change to the queue.

Other features may still register plain huey tasks (work with no Job row, e.g. a delivery that
keeps its own state): add them to EXTRA_TASKS with `extra_task`, and call them through
`api.jobs.queue.current().claimtrack_tasks[name]`.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from huey import crontab
from huey.api import Huey

from api.db import database, pin_thread
from api.domain.errors import DomainError
from api.services import jobs

log = logging.getLogger(__name__)

EXTRA_TASKS: dict[str, tuple[Callable, dict]] = {}
AFTER_TASK: list[Callable[[], None]] = []


def extra_task(name: str, **options):
    """Register a plain huey task (options as huey's `task()`: retries, retry_delay…; or
    `periodic=crontab(…)` for a periodic task) on every queue this process builds; call it via
    `queue.current().claimtrack_tasks[name](...)`."""
    def register(function: Callable) -> Callable:
        EXTRA_TASKS[name] = (function, options)
        return function
    return register


def _problem_of(error: Exception) -> dict:
    from api.errors import problem_from_domain  # the one mapping from domain errors to problem objects
    if isinstance(error, DomainError):
        return problem_from_domain(error).body()
    return {"type": "/problems/job-crashed", "title": "Job crashed", "status": 500,
            "detail": f"The job stopped on an unexpected error ({type(error).__name__}); it has been logged."}


class Heartbeat(threading.Thread):
    """Renews a run's lease every third of the lease while the handler works, on the database of
    the thread that starts it (the job's)."""

    def __init__(self, run: jobs.JobRun):
        super().__init__(name=f"heartbeat-{run.job_id}", daemon=True)
        self.run_ = run
        self.db = database.obj
        self.stopped = threading.Event()

    def run(self):
        pin_thread(self.db)
        interval = jobs.SETTINGS["lease_seconds"] / 3
        while not self.stopped.wait(interval):
            try:
                with database.connection_context():
                    if not jobs.renew(self.run_):
                        return
            except Exception:  # the database is away: the next beat tries again
                log.warning("job %s: heartbeat failed", self.run_.job_id, exc_info=True)


def run_job(job_id: int, on_progress=None) -> None:
    """Run the job with this key, if it is still queued (another message may have run it).
    `on_progress(done, total)`: for a command running a job in its own process."""
    from api.jobs.registry import KINDS
    with database.connection_context():
        run = jobs.start(job_id)
    if run is None:
        return
    run.on_progress = on_progress
    heartbeat = Heartbeat(run)
    heartbeat.start()
    try:
        with database.connection_context():
            handler = KINDS.get(run.kind)
            if handler is None:
                raise DomainError(f"No handler for job kind {run.kind!r} in this worker.", slug="unknown-job-kind")
            result = handler(run, **run.params)
            if not run.finished:
                run.succeed(result or {})
    except jobs.Superseded:
        log.warning("job %s: attempt %s was superseded (its lease expired)", job_id, run.attempt)
    except DomainError as error:
        with database.connection_context():
            jobs.fail(run, _problem_of(error))
    except Exception as error:
        log.exception("job %s (%s) crashed", job_id, run.kind)
        with database.connection_context():
            jobs.retry_or_fail(run, _problem_of(error))
    finally:
        heartbeat.stopped.set()


def recover() -> dict[str, int]:
    """Re-queue jobs a dead worker dropped (see api.services.jobs.recover)."""
    from api.jobs import queue
    with database.connection_context():
        counts = jobs.recover(queue.pending_job_ids())
    if any(counts.values()):
        log.warning("job recovery: %s", counts)
    return counts


def after_task(function: Callable[[], None]) -> Callable[[], None]:
    """Call `function()` after every task a worker runs (huey's post_execute hook), e.g. to send
    what the task left to send once its transactions committed."""
    AFTER_TASK.append(function)
    return function


def register_tasks(huey: Huey) -> None:
    """Register run_job, recover (every minute) and EXTRA_TASKS on `huey`; they are reachable as
    `huey.claimtrack_tasks[name]`."""
    tasks = {
        "run_job": huey.task(name="claimtrack.run_job")(run_job),
        "recover": huey.periodic_task(crontab(minute="*"), name="claimtrack.recover")(recover),
    }
    import api.jobs.kinds  # noqa: F401  registers every job kind and extra task
    for name, (function, options) in EXTRA_TASKS.items():
        options = dict(options)
        periodic = options.pop("periodic", None)
        decorate = huey.periodic_task(periodic, name=f"claimtrack.{name}", **options) if periodic \
            else huey.task(name=f"claimtrack.{name}", **options)
        tasks[name] = decorate(function)
    for hook in AFTER_TASK:
        huey.post_execute(name=f"claimtrack.after_task.{hook.__qualname__}")(
            lambda task, task_value, exc, hook=hook: hook())
    huey.claimtrack_tasks = tasks
