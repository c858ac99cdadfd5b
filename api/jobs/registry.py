"""The job kinds: a name → the function that does the work.

    from api.jobs.registry import job_kind

    @job_kind("extraction")
    def extract_source(run, source_id: int) -> dict:
        ...                      # work outside any transaction (the model, HTTP calls)
        with run.atomic():       # the job's writes and its success commit together
            ...
            run.succeed({"claims": [...]})

A handler takes the JobRun (api/services/jobs.py: `params`, `actor`, `progress(done, total)`,
`atomic()`, `succeed(result)`) and the job's params as keyword arguments. If it returns without
calling `succeed`, the returned dict (or {}) is recorded as the result in a transaction of its
own. A domain error (api/domain/errors.py) fails the job at once with its problem object; any
other exception is a crash: the job is retried with backoff, up to CLAIMTRACK_JOB_MAX_ATTEMPTS.
Handlers must be safe to run again (a killed run is retried): commit everything in one
`atomic()`, or make each step idempotent.
"""
from __future__ import annotations

from typing import Callable

from api.domain.roles import ROLES
from api.services.jobs import set_visibility

KINDS: dict[str, Callable] = {}


def job_kind(name: str, *, visible_to: str = "reader"):
    """Register the decorated function as the handler of jobs of kind `name`. `visible_to`: the
    least role that may see every job of this kind (GET /v1/jobs); the key that submitted a job
    always sees it. Use "admin" for kinds whose params or results only admins may read."""
    if visible_to not in ROLES:
        raise ValueError(f"visible_to must be one of {ROLES}")
    def register(handler: Callable) -> Callable:
        if KINDS.get(name, handler) is not handler:
            raise ValueError(f"job kind {name!r} is registered twice")
        KINDS[name] = handler
        set_visibility(name, visible_to)
        return handler
    return register
