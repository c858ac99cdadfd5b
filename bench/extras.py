"""What the matching and job scenarios need beyond a generated dataset, added once and recorded in
its manifest (`extras`):

- matching data (embeddings and terms, `api.services.matching.embed_stale`) for the first
  EMBEDDED claims by id, so that `POST /v1/claims/matches` searches a collection of that size at
  every scale: embedding a million claims takes hours on this machine (5–10 ms a claim), so at
  1 M the other claims are stored but not searchable (bench/RESULTS.md says so);
- JOBS finished extraction jobs started by the bench key, whose public ids the job scenario polls
  (`GET /v1/jobs/{id}`, what a client following a job does most).

    python bench/extras.py --database-url sqlite:///bench/data/sqlite-10000.db --manifest bench/data/sqlite-10000.json
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.db import bind, database, open_database  # noqa: E402
from api.domain.ids import decode_id, encode_id  # noqa: E402
from api.models import ApiKey, Claim, Job, utcnow  # noqa: E402

EMBEDDED = 10_000
JOBS = 50
JOB_KIND = "extraction"
MATCH_LIMIT = 10


def _bench_key(token: str) -> ApiKey:
    # ctk_<key code>_<secret>: the key's public id rides in the token (api.services.keys.create_key)
    return ApiKey.get_by_id(decode_id("key", "key_" + token.split("_")[1]))


def _jobs(key: ApiKey, sources: list[str]) -> list[str]:
    existing = [encode_id("job", j.id) for j in Job.select(Job.id).where(
        (Job.actor_key_id == key.id) & (Job.kind == JOB_KIND) & (Job.status == "succeeded")).order_by(Job.id)]
    if len(existing) >= JOBS:
        return existing[:JOBS]
    made = []
    with database.atomic():
        for index in range(JOBS - len(existing)):
            source = sources[index % len(sources)]
            now = utcnow()
            result = {"source": source, "people": [], "matched_people": [], "events": [], "claims": [],
                      "linked_claims": [], "mentions": 0}
            job = Job.create(kind=JOB_KIND, status="succeeded", params=json.dumps({"source": decode_id("source", source)}),
                             progress_done=1, progress_total=1, result=json.dumps(result), attempts=1,
                             actor_key_id=key.id, actor_name=key.name, actor_role=key.role,
                             created_at=now, started_at=now, finished_at=now, updated_at=now)
            made.append(encode_id("job", job.id))
    return existing + made


def add_extras(database_url: str, manifest_path: Path) -> dict:
    from api.services import matching
    manifest = json.loads(manifest_path.read_text())
    bind(open_database(database_url))
    started = time.monotonic()
    with database.connection_context():
        ids = [row[0] for row in Claim.select(Claim.id).order_by(Claim.id).limit(EMBEDDED).tuples()]
        embedded = matching.embed_stale(ids)
        match_claim = decode_id("claim", manifest["sample_claims"][0])
        if match_claim not in set(ids):
            match_claim = ids[len(ids) // 2]
        text = Claim.get_by_id(match_claim).text
        extras = {"embedded_claims": len(ids), "embedded_now": embedded,
                  "match_body": json.dumps({"text": text, "limit": MATCH_LIMIT}),
                  "sample_jobs": _jobs(_bench_key(manifest["token"]), manifest["sample_sources"]),
                  "added_in_s": round(time.monotonic() - started, 1)}
    manifest["extras"] = extras
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return extras


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--manifest", required=True, type=Path)
    args = parser.parse_args(argv)
    extras = add_extras(args.database_url, args.manifest)
    print(json.dumps({k: v for k, v in extras.items() if k != "match_body"}))


if __name__ == "__main__":
    main()
