"""Matching through the database and the API: quality (MAP@5) and speed (p50) of
`POST /v1/claims/matches` with the claim-retrieval collection stored in SQLite or PostgreSQL.

    python -m bench.matching $DATASETS/claim-retrieval --database sqlite:///bench/data/matching.db
    python -m bench.matching $DATASETS/claim-retrieval --database postgresql://…/bench_matching \
        --vectors-from sqlite:///bench/data/matching.db

1. Loads the 14,231 vclaims as the data set's README says (one source per distinct text, `kind:
   other`, `title`, `url` when present; one claim spanning the text), unless already loaded.
2. Embeds every claim with api.services.matching.embed_stale (what the job does), or, with
   `--vectors-from URL`, copies the stored rows of another database loaded the same way (claims
   paired in load order: the encoder is deterministic, so re-encoding would store the same bytes;
   this saves 2 to 6 min of CPU).
3. Sends every query of each split as `POST /v1/claims/matches {"text": tweet, "limit": 5}`
   through the Flask test client (the whole request: authentication, validation, matching,
   reading the claims, presenting, JSON), scores the answers in the order returned (MAP@5 as in
   tools/matching_eval.py) and times each request.

Prints one JSON object per split: MAP@5, recall@1, p50 / p95 milliseconds.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

from api.app import create_app
from api.config import Config
from api.db import database, migrate
from tools.matching_eval import map_at_k, read_jsonl, read_split, recall_at_k


def load(folder: Path) -> int:
    """Store the vclaims (README "How claimtrack is measured on it"); returns how many claims."""
    from api.domain.ids import encode_id  # noqa: F401  (ids are made by the models)
    from api.models import Appearance, Claim, Source

    if Claim.select().count():
        return Claim.select().count()
    rows = read_jsonl(folder / "vclaims.jsonl")
    with database.atomic():
        sources: dict[str, int] = {}
        for row in rows:
            text = row["vclaim"]
            sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if sha not in sources:
                sources[sha] = Source.create(kind="other", title=row["title"], url=row.get("page_url"), text=text,
                                             text_sha256=sha, length=len(text),
                                             length_utf16=len(text.encode("utf-16-le")) // 2).id
            claim = Claim.create(text=text.strip())  # noqa: F841
            Appearance.create(claim=claim.id, source=sources[sha], start=0, end=len(text), exact=text)
    return len(rows)




def vclaim_ids(folder: Path) -> dict[str, str]:
    """Public claim id → vclaim id: claims were created in vclaims.jsonl order, ids ascending."""
    from api.domain.ids import encode_id
    from api.models import Claim

    rows = read_jsonl(folder / "vclaims.jsonl")
    stored = [pk for pk, in Claim.select(Claim.id).order_by(Claim.id).tuples()]
    assert len(stored) == len(rows), (len(stored), len(rows))
    return {encode_id("claim", pk): row["vclaim_id"] for pk, row in zip(stored, rows)}


def copy_vectors(url: str) -> int:
    """Copy claim_embedding rows from another database loaded the same way."""
    from api.db import open_database
    from api.models import ClaimEmbedding, MatchingState

    from api.models import Claim

    other = open_database(url)
    with other.connection_context():
        rows = list(other.execute_sql("SELECT claim_id, model, text_sha256, vector, terms, updated_at "
                                      "FROM claim_embedding ORDER BY claim_id"))
    # Both databases stored the vclaims in file order, but their ids may start elsewhere.
    ours = [pk for pk, in Claim.select(Claim.id).order_by(Claim.id).tuples()]
    assert len(ours) == len(rows), (len(ours), len(rows))
    rows = [(pk, *row[1:]) for pk, row in zip(ours, rows)]
    with database.atomic():
        ClaimEmbedding.delete().execute()
        MatchingState.update(generation=MatchingState.generation + 1).execute()
        generation = MatchingState.get_by_id(1).generation
        for start in range(0, len(rows), 1000):
            ClaimEmbedding.insert_many([
                {"claim": r[0], "model": r[1], "text_sha256": r[2], "vector": bytes(r[3]), "terms": r[4],
                 "updated_at": r[5], "generation": generation}
                for r in rows[start:start + 1000]]).execute()
    return len(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--database", required=True)
    parser.add_argument("--vectors-from")
    parser.add_argument("--splits", nargs="+", default=["dev", "train"])
    parser.add_argument("--save-run", type=Path, help="write every answer (vclaim ids and scores, per split and query) "
                                                      "to this JSON file")
    parser.add_argument("--compare-with", type=Path, help="a --save-run file of another database: count the queries "
                                                          "whose top-5 ids are identical, and the largest score difference")
    args = parser.parse_args(argv)

    app = create_app(Config(database_url=args.database, rate_limit_per_minute=0, auth_failures_per_minute=0))
    migrate()
    database.initialize(app.extensions["claimtrack_db"])
    from api.services import matching
    from api.services.keys import create_key

    with database.connection_context():
        started = time.perf_counter()
        n = load(args.folder)
        print(f"{n} claims stored ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        started = time.perf_counter()
        if args.vectors_from:
            done = copy_vectors(args.vectors_from)
        else:
            done = matching.embed_stale(progress=lambda d, t: print(f"embedded {d}/{t}", file=sys.stderr))
        print(f"{done} claims embedded ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        names = vclaim_ids(args.folder)
        token = create_key("bench matching", "reader").token
        started = time.perf_counter()
        matching.current_matcher()
        print(f"matcher built from the database in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    saved: dict = {}
    for split in args.splits:
        queries, qrels = read_split(args.folder, split)
        run, times, scored = {}, [], saved.setdefault(split, {})
        for query in queries:
            started = time.perf_counter()
            response = client.post("/v1/claims/matches", json={"text": query["text"], "limit": 5}, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.json
            run[query["query_id"]] = [names[item["claim"]["id"]] for item in response.json["data"]]
            scored[query["query_id"]] = [[names[item["claim"]["id"]], item["score"]] for item in response.json["data"]]
        times.sort()
        print(json.dumps({
            "split": split, "queries": len(queries), "database": database.obj.__class__.__name__,
            "map_at_5": round(map_at_k(run, qrels), 4), "recall_at_1": round(recall_at_k(run, qrels, 1), 4),
            "p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        }))
    if args.save_run:
        args.save_run.write_text(json.dumps(saved), encoding="utf-8")
    if args.compare_with:
        print(json.dumps(compare(saved, json.loads(args.compare_with.read_text(encoding="utf-8")))))
    return 0


def compare(ours: dict, theirs: dict) -> dict:
    """Per split: queries answered by both, how many with identical top-5 ids (in order), and the
    largest difference between the scores of the same rank."""
    out = {}
    for split, answers in ours.items():
        common = [qid for qid in answers if qid in theirs.get(split, {})]
        same = sum([c for c, _ in answers[qid]] == [c for c, _ in theirs[split][qid]] for qid in common)
        diff = max((abs(a[1] - b[1]) for qid in common for a, b in zip(answers[qid], theirs[split][qid])), default=0.0)
        out[split] = {"queries": len(common), "identical_top5_ids": same, "max_score_difference": diff}
    return out


if __name__ == "__main__":
    sys.exit(main())
