"""Trains the fusion model of api.matching on the claim-retrieval TRAIN queries only.

    pip install -e '.[build]' && python -m tools.matching_train $DATASETS/claim-retrieval

For every train query, the pooled candidates (api.matching.matcher.Matcher.candidate_features)
are labelled relevant or not by the train judgements, and a logistic regression
(scikit-learn, L2, C = 1, standardised features) is fitted on them. Before the final fit,
5-fold cross-validation by query reports the MAP@5 the model reaches on train queries it did
not see. Writes api/matching/models/fusion.json. The dev split is never read here.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from api.matching.fusion import FEATURES, MODEL_PATH, FusionModel
from tools.matching_eval import DEFAULT_CACHE, build_matcher, map_at_k, read_split

C = 1.0
FOLDS = 5


def fit(x: np.ndarray, y: np.ndarray, about: str = "") -> FusionModel:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=1000).fit((x - mean) / scale, y)
    return FusionModel(FEATURES, mean, scale, model.coef_[0], float(model.intercept_[0]), about)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)

    matcher = build_matcher(args.dataset, args.cache)
    queries, qrels = read_split(args.dataset, "train")
    pooled = []
    for query in queries:
        candidates = matcher.candidate_features(query["text"])
        ids = [matcher.claims[p].id for p in candidates.positions]
        labels = np.array([claim_id in qrels.get(query["query_id"], ()) for claim_id in ids])
        pooled.append((query["query_id"], ids, candidates.features, labels))

    folds = np.arange(len(pooled)) % FOLDS
    run = {}
    for fold in range(FOLDS):
        train = [p for p, f in zip(pooled, folds) if f != fold]
        model = fit(np.vstack([p[2] for p in train]), np.concatenate([p[3] for p in train]))
        for qid, ids, x, _ in (p for p, f in zip(pooled, folds) if f == fold):
            scores = model.score(x) if len(ids) else np.zeros(0)
            run[qid] = [ids[i] for i in np.argsort(-scores, kind="stable")[:5]]
    cv = map_at_k(run, qrels)
    print(f"train, {FOLDS}-fold cross-validated MAP@5: {cv:.4f}")

    x = np.vstack([p[2] for p in pooled])
    y = np.concatenate([p[3] for p in pooled])
    model = fit(x, y, about=(
        f"Logistic regression (scikit-learn, C={C}) on {len(y)} candidates of the {len(pooled)} "
        f"claim-retrieval train queries (CheckThat! 2022 Task 2A English); {FOLDS}-fold "
        f"cross-validated train MAP@5 {cv:.4f}. Built by tools/matching_train.py."
    ))
    args.out.write_text(__import__("json").dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
    print("weights: " + ", ".join(f"{n} {c:+.3f}" for n, c in zip(FEATURES, model.coef)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
