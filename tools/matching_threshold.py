"""Checks the auto-link rule of api.services.matching on the claim-retrieval data, through the
vectors and terms stored in a database loaded by bench/matching.py.

    python -m tools.matching_threshold $DATASETS/claim-retrieval --database sqlite:///bench/data/matching.db

For the train split (where the rule is chosen) and dev (where it is reported): the score of each
query's best match and whether it is right, the same with the query's answer left out of the
collection (then any link is wrong), and the cosine of each best match. Prints the threshold that
reaches precision ≥ 0.95 over the equal mix of both (chosen on train); at AUTO_LINK_THRESHOLD with
each cosine floor: precision, share linked, share wrongly linked without the answer, and precision
over the mix; the lowest floor reaching 0.95 over the mix on train; and the shipped rule.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from api.app import create_app
from api.config import Config
from api.db import database
from tools.matching_eval import TARGET_PRECISION, precision_threshold, read_jsonl, read_split

FLOORS = (0.0, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8)


def tops(matcher, names, queries, qrels):
    """Per query: (score, right, cosine) of the best match, and (score, cosine) without the answer."""
    position = {pk: i for i, pk in enumerate(matcher.ids)}
    by_name = {name: pk for pk, name in names.items()}
    out = []
    for query in queries:
        relevant = qrels[query["query_id"]]
        rows = []
        for exclude in ((), [by_name[r] for r in relevant]):
            found = matcher.match(query["text"], limit=1, exclude=exclude)
            if not found:
                rows.append((0.0, False, 0.0))
                continue
            candidates = matcher.candidate_features(query["text"], exclude)
            i = list(candidates.positions).index(position[found[0].claim_id])
            cosine = float(candidates.features[i][2])
            rows.append((found[0].score, names[found[0].claim_id] in relevant, cosine))
        out.append(rows)
    return out


def stats(rows, threshold, floor):
    linked = [(ok) for (s, ok, c), _ in rows if s >= threshold and c >= floor]
    wrong = sum(1 for _, (s, _, c) in rows if s >= threshold and c >= floor)
    right = sum(linked)
    return {"threshold": threshold, "cosine_floor": floor,
            "precision": round(right / len(linked), 4) if linked else None,
            "linked": round(len(linked) / len(rows), 4),
            "linked_without_answer": round(wrong / len(rows), 4),
            "mixed_precision": round(right / (len(linked) + wrong), 4) if linked or wrong else None}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--database", required=True)
    args = parser.parse_args(argv)
    app = create_app(Config(database_url=args.database, rate_limit_per_minute=0, auth_failures_per_minute=0))
    database.initialize(app.extensions["claimtrack_db"])
    from api.services import matching
    from api.models import Claim

    with database.connection_context():
        matcher = matching.current_matcher()
        stored = [pk for pk, in Claim.select(Claim.id).order_by(Claim.id).tuples()]
    names = {pk: row["vclaim_id"] for pk, row in zip(stored, read_jsonl(args.folder / "vclaims.jsonl"))}
    chosen, floor_chosen = None, None
    for split in ("train", "dev"):
        queries, qrels = read_split(args.folder, split)
        rows = tops(matcher, names, queries, qrels)
        if chosen is None:
            mix = [(s, ok) for (s, ok, _), _ in rows] + [(s, False) for _, (s, _, _) in rows]
            chosen = precision_threshold(mix)
            print(json.dumps({"split": split, "mixed_threshold_chosen": chosen}))
        right = [c for (s, ok, c), _ in rows if ok and s >= matching.AUTO_LINK_THRESHOLD]
        print(json.dumps({"split": split, "cosine_of_right_links": {
            "min": round(min(right), 3), "p01": round(float(np.percentile(right, 1)), 3),
            "p05": round(float(np.percentile(right, 5)), 3)} if right else None}))
        for floor in FLOORS:
            row = stats(rows, matching.AUTO_LINK_THRESHOLD, floor)
            if split == "train" and floor_chosen is None and (row["mixed_precision"] or 0) >= TARGET_PRECISION:
                floor_chosen = floor
            print(json.dumps({"split": split, **row}))
        print(json.dumps({"split": split, "rule": "shipped", **stats(rows, matching.AUTO_LINK_THRESHOLD,
                                                                      matching.AUTO_LINK_MIN_COSINE)}))
        if split == "train":
            print(json.dumps({"split": split, "cosine_floor_chosen": floor_chosen}))
        print(json.dumps({"split": split, **stats(rows, chosen, 0.0)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
