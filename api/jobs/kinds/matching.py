"""Matching data as jobs (issue 16): a claim's sentence vector and BM25 terms, computed off the
request path (api.services.matching).

- Job kind `matching.embed` `{"claims": [keys] | null}`: embeds those claims (null: every stale
  claim), with progress (a bulk load; the extraction job embeds the claims it creates itself, in
  its own transaction).
- Periodic task `matching.sweep`, every minute: embeds every claim that has no matching data yet
  or whose text or source title changed since (claims created or edited by hand, imported, …).
  It reads only what changed since the data was computed (timestamps, then sha256), so an idle
  sweep is one query. `CLAIMTRACK_MATCHING_SWEEP=0` turns it off (the test suite does, so that
  no test sees claims embedded behind its back). With `CLAIMTRACK_MATCHING_INDEX_DIR` set it then
  saves the vector index there when none is saved yet or the rows written since the newest exceed
  5 % of it (api.services.matching.save_vector_index), so that request processes map it instead of
  each building the graph.
"""
from __future__ import annotations

import logging
import os

from huey import crontab

from api.db import database
from api.jobs.registry import job_kind
from api.jobs.tasks import extra_task
from api.services import matching

log = logging.getLogger(__name__)


@job_kind(matching.EMBED_JOB)
def embed(run, claims: list[int] | None = None) -> dict:
    return {"embedded": matching.embed_stale(claims, progress=run.progress)}


@extra_task("matching.sweep", periodic=crontab(minute="*"))
def sweep() -> int:
    if os.environ.get("CLAIMTRACK_MATCHING_SWEEP", "1") == "0":
        return 0
    with database.connection_context():
        done = matching.embed_stale()
        saved = matching.save_vector_index()
    if done:
        log.info("matching: embedded %d claims", done)
    if saved:
        log.info("matching: vector index saved to %s", saved)
    return done
