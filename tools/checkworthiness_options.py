"""Cheap options beside the shipped check-worthiness model, measured the way a choice may be made.

    pip install -e '.[train]'   # scikit-learn; no PyTorch needed
    python tools/checkworthiness_options.py --data $DATASETS/checkworthiness [--json options.json]

Data: `$DATASETS/checkworthiness/` train.tsv and dev.tsv (CLEF CheckThat! English; see
tools/train_checkworthiness.py and that folder's README). The shipped model
(api/extraction/models/checkworthiness/) gives its raw logit; each option adds or replaces
features of one logistic regression (the "stacker"), which is also the calibration.

Options (all linear parts are trained on the same CT24 train rows as the fine-tuned model, never
on the held-out part):
  model                 the fine-tuned model alone, Platt-calibrated (what ships)
  model, isotonic       the same logit, calibrated by isotonic regression instead of Platt
  tfidf                 TF-IDF word 1-2-grams + character 2-5-grams (within words), logistic regression
  model + tfidf         the two logits stacked (Platt on both; the same with isotonic on top)
  model + tfidf+context the linear part also sees `context_before` (word unigrams of the previous sentence)
  model + tfidf+transcripts w   the CT19/CT20 transcript rows added to the linear part as negatives at weight w
  model + embeddings    a logistic regression on frozen all-MiniLM-L6-v2 sentence vectors (the
                        matching encoder, api/matching/models/) stacked with the model

How they are compared (dev is never used to choose): on the held-out 15 % of train (the
group-wise split of train_checkworthiness.py, 5 blocks of 1,000 ClaimBuster ids = older debates),
leave-one-block-out: the stacker/calibration is fitted on four blocks and scores the fifth, so
held-out AP, F1 (at the threshold that maximises F1 on those out-of-fold scores) and calibration
error are out-of-sample. Then the stacker is fitted on the whole held-out part and dev.tsv is
scored once at that threshold (all 626 rows, and the 312 dev-test rows alone).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.evaluate import score_checkworthiness  # noqa: E402
from tools.train_checkworthiness import SEED, _load_module, group_of, read_tsv, split  # noqa: E402

THRESHOLDS = [round(0.05 + 0.01 * k, 2) for k in range(91)]


def _tfidf(train_rows, weights=None, context=False, C=4.0):
    """A fitted TF-IDF logistic regression: rows -> decision values (log-odds)."""
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    parts = [("text", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
             ("text", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True))]
    if context:
        parts.append(("context_before", TfidfVectorizer(min_df=2, sublinear_tf=True)))
    X = hstack([v.fit_transform([r[col] for r in train_rows]) for col, v in parts]).tocsr()
    lr = LogisticRegression(C=C, max_iter=3000).fit(X, [int(r["label"]) for r in train_rows], sample_weight=weights)
    return lambda rows: np.asarray(lr.decision_function(hstack([v.transform([r[c] for r in rows])
                                                                 for c, v in parts]).tocsr()))


def _stacker(F, y, isotonic=False):
    """Logistic regression of the label on the feature columns (Platt scaling for one column),
    optionally followed by isotonic regression of its decision value: features -> probability."""
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e6, max_iter=1000).fit(F, y)
    if not isotonic:
        return lambda G: lr.predict_proba(G)[:, 1]
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(lr.decision_function(F), y)
    return lambda G: iso.predict(lr.decision_function(G))


def evaluate_option(Fh, yh, groups, Fd, yd, devtest, isotonic=False) -> dict:
    """Held-out (leave-one-block-out) and dev scores of one feature set; see the module doc."""
    import numpy as np

    oof = np.zeros(len(yh))
    for g in sorted(set(groups)):
        fit, out = groups != g, groups == g
        oof[out] = _stacker(Fh[fit], yh[fit], isotonic)(Fh[out])
    held_scores = oof.tolist()
    threshold = max(THRESHOLDS, key=lambda t: (score_checkworthiness(yh.tolist(), held_scores, t)["f1"], -t))
    dev_scores = _stacker(Fh, yh, isotonic)(Fd)
    keep = ("precision", "recall", "f1", "average_precision")
    held = score_checkworthiness(yh.tolist(), held_scores, threshold)
    dev = score_checkworthiness(yd.tolist(), dev_scores.tolist(), threshold)
    dt = score_checkworthiness(yd[devtest].tolist(), dev_scores[devtest].tolist(), threshold)
    return {"threshold": threshold,
            "heldout": {**{k: held[k] for k in keep}, "ece": held["calibration"]["ece"],
                        "reliability": held["calibration"]["bins"]},
            "dev": {**{k: dev[k] for k in keep}, "ece": dev["calibration"]["ece"]},
            "dev_test": {k: dt[k] for k in ("f1", "average_precision")}}


def measure_options(data: Path, model_dir: Path, out: Path | None) -> dict:
    import numpy as np

    every = read_tsv(data / "train.tsv")
    ct24 = [r for r in every if r["source"].startswith("CT24")]
    transcripts = [dict(r, label="0") for r in every if not r["source"].startswith("CT24")]
    train, held = split(ct24, SEED)
    dev = read_tsv(data / "dev.tsv")
    yh = np.array([int(r["label"]) for r in held])
    yd = np.array([int(r["label"]) for r in dev])
    groups = np.array([group_of(r["id"]) for r in held])
    devtest = np.array([r["source"].endswith("dev-test") for r in dev])

    model = _load_module("cw_runtime", "api/extraction/checkworthiness.py").CheckworthinessModel(
        model_dir, calibrated=False)
    nh, nd = np.array(model.logits([r["text"] for r in held])), np.array(model.logits([r["text"] for r in dev]))
    col = lambda *a: np.column_stack(a)  # noqa: E731

    features = {"model": (col(nh), col(nd))}
    tfidf = _tfidf(train)
    th, td = tfidf(held), tfidf(dev)
    features["tfidf"] = (col(th), col(td))
    features["model + tfidf"] = (col(nh, th), col(nd, td))
    context = _tfidf(train, context=True)
    features["model + tfidf with context"] = (col(nh, context(held)), col(nd, context(dev)))
    for w in (0.1, 0.3):
        weights = np.array([1.0] * len(train) + [w] * len(transcripts))
        extra = _tfidf(train + transcripts, weights=weights)
        features[f"model + tfidf with transcripts as negatives at {w}"] = (col(nh, extra(held)), col(nd, extra(dev)))
    encoder = _load_module("cw_encoder", "api/matching/encoder.py").SentenceEncoder()
    from sklearn.linear_model import LogisticRegression
    emb = LogisticRegression(C=1.0, max_iter=3000).fit(encoder.encode([r["text"] for r in train]),
                                                       [int(r["label"]) for r in train])
    eh = emb.decision_function(encoder.encode([r["text"] for r in held]))
    ed = emb.decision_function(encoder.encode([r["text"] for r in dev]))
    features["model + frozen-embedding regression"] = (col(nh, eh), col(nd, ed))

    report = {}
    for name, (Fh, Fd) in features.items():
        report[name] = evaluate_option(Fh, yh, groups, Fd, yd, devtest)
        if name in ("model", "model + tfidf"):
            report[name + ", isotonic"] = evaluate_option(Fh, yh, groups, Fd, yd, devtest, isotonic=True)
    print("| option | held-out train AP / F1 / ECE | threshold | dev AP / P / R / F1 / ECE | dev-test rows AP / F1 |")
    print("|---|---|---|---|---|")
    for name, r in report.items():
        h, d, t = r["heldout"], r["dev"], r["dev_test"]
        print(f"| {name} | {h['average_precision']:.3f} / {h['f1']:.3f} / {h['ece']:.3f} | {r['threshold']:.2f} | "
              f"{d['average_precision']:.3f} / {d['precision']:.3f} / {d['recall']:.3f} / {d['f1']:.3f} / "
              f"{d['ece']:.3f} | {t['average_precision']:.3f} / {t['f1']:.3f} |")
    if out:
        out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="the checkworthiness dataset folder (train.tsv, dev.tsv)")
    ap.add_argument("--model", type=Path, default=ROOT / "api" / "extraction" / "models" / "checkworthiness")
    ap.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = ap.parse_args(argv)
    measure_options(args.data, args.model, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
