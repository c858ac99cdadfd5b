"""Scores extraction against a gold file, or the check-worthiness model against a labelled TSV.

    claimtrack evaluate data/gold/samples.json --docs data/samples [--json] [--check-targets]
    claimtrack evaluate $DATASETS/checkworthiness/dev.tsv [--json] [--check-targets]

A `.tsv` argument is a check-worthiness set (columns `text` and `label`, 1 = check-worthy,
as in the CLEF CheckThat! files): the shipped model scores every row and the report gives
precision, recall and F1 of the check-worthy class at the model's threshold, average precision,
and a reliability table (ten score bins: rows, mean score, share check-worthy) with the expected
calibration error. Targets (issue 14): F1 >= 0.80, AP >= 0.80.

Anything else is a gold file in the format of data/gold/GOLD-FORMAT.md. Metrics (micro-averaged
over documents):
  people        entity level, per document: a predicted person matches the gold person most
                of its mentions hit (exact span, or overlap when no span is exact); one-to-one.
  mentions      person mention spans, exact match.
  claims        a prediction matches a gold claim in the same document when the character-level
                F1 of the two spans is >= 0.5 (greedy one-to-one, best F1 first). Positives are
                gold claims with checkable && !boilerplate. A prediction matching a non-checkable,
                non-boilerplate gold claim (opinion, plan) is neutral: neither TP nor FP.
  claimant      accuracy on matched gold claims of kind attributed or direct_quote (and on
                attributed alone): the predicted claimant maps to the gold person (or both null).
  boilerplate   share of predicted claims that overlap a gold boilerplate span.
  events        event mention spans, exact match (informational).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

TARGETS = {
    "people.f1": 0.95,
    "mentions.f1": 0.90,
    "claims.recall": 0.80,
    "claims.precision": 0.60,
    "claimant.accuracy": 0.80,
}
MAX_BOILERPLATE_SHARE = 0.05
CHECKWORTHINESS_TARGETS = {"f1": 0.80, "average_precision": 0.80}


def _get(obj, name):
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def char_f1(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Character-level F1 of two half-open spans."""
    overlap = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    if overlap == 0:
        return 0.0
    p = overlap / (a[1] - a[0])
    r = overlap / (b[1] - b[0])
    return 2 * p * r / (p + r)


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _map_people(pred_people, gold_spans: dict[tuple[int, int], str]) -> dict[str, str]:
    """Predicted person key -> gold person id (one-to-one, strongest evidence first)."""
    votes = []
    for p in pred_people:
        c: Counter = Counter()
        for m in _get(p, "mentions"):
            span = (_get(m, "start"), _get(m, "end"))
            if span in gold_spans:
                c[gold_spans[span]] += 2
            else:
                for (s, e), gid in gold_spans.items():
                    if s < span[1] and span[0] < e:
                        c[gid] += 1
        if c:
            gid, n = c.most_common(1)[0]
            votes.append((n, _get(p, "key"), gid))
    mapping, used = {}, set()
    for n, key, gid in sorted(votes, reverse=True):
        if gid not in used:
            mapping[key] = gid
            used.add(gid)
    return mapping


def score(gold: dict, predictions: dict, texts: dict[str, str]) -> dict:
    """Scores `predictions` {file: ExtractionResult or its dict} against `gold` (GOLD-FORMAT)."""
    for section in ("people", "events"):
        for item in gold.get(section, []):
            for m in item["mentions"]:
                _verify(texts, m)
    for c in gold.get("claims", []):
        _verify(texts, c)

    ent = Counter()
    men = Counter()
    evm = Counter()
    cl = Counter()
    claimant = Counter()
    per_file = {}
    for file, result in sorted(predictions.items()):
        gold_spans = {(m["start"], m["end"]): p["id"] for p in gold.get("people", []) for m in p["mentions"]
                      if m["file"] == file}
        pred_people = _get(result, "people")
        mapping = _map_people(pred_people, gold_spans)
        gold_ids = set(gold_spans.values())
        ent["tp"] += len(mapping)
        ent["fp"] += len(pred_people) - len(mapping)
        ent["fn"] += len(gold_ids - set(mapping.values()))

        pred_spans = {(_get(m, "start"), _get(m, "end")) for p in pred_people for m in _get(p, "mentions")}
        men["tp"] += len(pred_spans & set(gold_spans))
        men["fp"] += len(pred_spans - set(gold_spans))
        men["fn"] += len(set(gold_spans) - pred_spans)

        gold_ev = {(m["start"], m["end"]) for ev in gold.get("events", []) for m in ev["mentions"] if m["file"] == file}
        pred_ev = {(_get(m, "start"), _get(m, "end")) for ev in _get(result, "events") for m in _get(ev, "mentions")}
        evm["tp"] += len(pred_ev & gold_ev)
        evm["fp"] += len(pred_ev - gold_ev)
        evm["fn"] += len(gold_ev - pred_ev)

        fc = _score_claims(file, gold.get("claims", []), _get(result, "claims"), mapping)
        per_file[file] = fc
        for k in ("tp", "fp", "fn", "neutral", "boilerplate", "predicted"):
            cl[k] += fc[k]
        for k in ("claimant_ok", "claimant_n", "attributed_ok", "attributed_n"):
            claimant[k] += fc[k]

    claims = _prf(cl["tp"], cl["fp"], cl["fn"])
    claims["neutral"] = cl["neutral"]
    return {
        "documents": len(predictions),
        "people": _prf(ent["tp"], ent["fp"], ent["fn"]),
        "mentions": _prf(men["tp"], men["fp"], men["fn"]),
        "claims": claims,
        "claimant": {
            "accuracy": round(claimant["claimant_ok"] / claimant["claimant_n"], 4) if claimant["claimant_n"] else 1.0,
            "n": claimant["claimant_n"],
            "attributed_accuracy": round(claimant["attributed_ok"] / claimant["attributed_n"], 4)
            if claimant["attributed_n"] else 1.0,
            "attributed_n": claimant["attributed_n"],
        },
        "boilerplate": {
            "share": round(cl["boilerplate"] / cl["predicted"], 4) if cl["predicted"] else 0.0,
            "count": cl["boilerplate"],
            "predicted": cl["predicted"],
        },
        "events": {"mentions": _prf(evm["tp"], evm["fp"], evm["fn"])},
        "per_file": per_file,
    }


def _verify(texts: dict[str, str], item: dict) -> None:
    text = texts.get(item["file"])
    if text is not None and text[item["start"]:item["end"]] != item["exact"]:
        raise ValueError(f"gold span {item['file']}:{item['start']}-{item['end']} does not match its exact text")


def _score_claims(file: str, gold_claims: list[dict], pred_claims, mapping: dict[str, str]) -> dict:
    golds = [g for g in gold_claims if g["file"] == file]
    preds = [(_get(c, "start"), _get(c, "end"), _get(c, "claimant")) for c in pred_claims]
    pairs = []
    for i, (s, e, _) in enumerate(preds):
        for j, g in enumerate(golds):
            f = char_f1((s, e), (g["start"], g["end"]))
            if f >= 0.5:
                pairs.append((f, i, j))
    match: dict[int, int] = {}
    used: set[int] = set()
    for f, i, j in sorted(pairs, reverse=True):
        if i not in match and j not in used:
            match[i] = j
            used.add(j)
    out = Counter()
    boiler_spans = [(g["start"], g["end"]) for g in golds if g.get("boilerplate")]
    positives = {j for j, g in enumerate(golds) if g.get("checkable", True) and not g.get("boilerplate")}
    for i, (s, e, who) in enumerate(preds):
        out["predicted"] += 1
        if any(bs < e and s < be for bs, be in boiler_spans):
            out["boilerplate"] += 1
        j = match.get(i)
        if j is None:
            out["fp"] += 1
            continue
        g = golds[j]
        if j in positives:
            out["tp"] += 1
        elif g.get("boilerplate"):
            out["fp"] += 1
        else:
            out["neutral"] += 1
        if not g.get("boilerplate") and g["kind"] in ("attributed", "direct_quote"):
            ok = (mapping.get(who, "?unmatched") if who else None) == g.get("claimant")
            out["claimant_n"] += 1
            out["claimant_ok"] += ok
            if g["kind"] == "attributed":
                out["attributed_n"] += 1
                out["attributed_ok"] += ok
    out["fn"] = len(positives - set(match.values()))
    keys = ("tp", "fp", "fn", "neutral", "boilerplate", "predicted", "claimant_ok", "claimant_n", "attributed_ok",
            "attributed_n")
    return {k: out[k] for k in keys}


def check_targets(report: dict) -> list[str]:
    """Targets (from the issue) that `report` misses, as readable strings."""
    missed = []
    for path, minimum in TARGETS.items():
        section, field = path.split(".")
        value = report[section][field]
        if value < minimum:
            missed.append(f"{path} = {value:.3f} < {minimum}")
    if report["boilerplate"]["share"] > MAX_BOILERPLATE_SHARE:
        missed.append(f"boilerplate.share = {report['boilerplate']['share']:.3f} > {MAX_BOILERPLATE_SHARE}")
    return missed


def format_report(report: dict) -> str:
    rows = [("people (entities)", report["people"]), ("person mentions", report["mentions"]),
            ("claims", report["claims"]), ("event mentions", report["events"]["mentions"])]
    lines = [f"{'metric':<20}{'precision':>10}{'recall':>10}{'f1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for name, m in rows:
        lines.append(f"{name:<20}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>8.3f}{m['tp']:>6}{m['fp']:>6}{m['fn']:>6}")
    c = report["claimant"]
    lines.append(f"claimant accuracy   {c['accuracy']:.3f} on {c['n']} matched attributed/quoted claims "
                 f"({c['attributed_accuracy']:.3f} on {c['attributed_n']} attributed)")
    b = report["boilerplate"]
    lines.append(f"boilerplate share   {b['share']:.3f} ({b['count']} of {b['predicted']} predicted claims)")
    lines.append(f"neutral claims      {report['claims']['neutral']} (matched non-checkable gold claims)")
    return "\n".join(lines)


def average_precision(labels: list[int], scores: list[float]) -> float:
    """Average precision of ranking by `scores` (ties broken by order), as in scikit-learn."""
    ranked = sorted(zip(scores, labels), key=lambda p: -p[0])
    positives = sum(labels)
    if not positives:
        return 0.0
    hits, total = 0, 0.0
    for i, (_, y) in enumerate(ranked, 1):
        if y:
            hits += 1
            total += hits / i
    return total / positives


def reliability(labels: list[int], scores: list[float], bins: int = 10) -> dict:
    """Reliability table: per score bin [k/bins, (k+1)/bins) the rows, mean score and share of
    positives; `ece` is the expected calibration error (row-weighted |mean score - share|)."""
    table = []
    ece = 0.0
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        rows = [(s, y) for s, y in zip(scores, labels) if lo <= s < hi or (k == bins - 1 and s == 1.0)]
        if not rows:
            table.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": 0, "mean_score": None, "positive_share": None})
            continue
        mean = sum(s for s, _ in rows) / len(rows)
        share = sum(y for _, y in rows) / len(rows)
        ece += len(rows) / len(scores) * abs(mean - share)
        table.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": len(rows), "mean_score": round(mean, 3),
                      "positive_share": round(share, 3)})
    return {"bins": table, "ece": round(ece, 4)}


def score_checkworthiness(labels: list[int], scores: list[float], threshold: float) -> dict:
    """P, R, F1 of the check-worthy class at `threshold`, AP and the reliability table."""
    tp = sum(1 for s, y in zip(scores, labels) if s >= threshold and y)
    fp = sum(1 for s, y in zip(scores, labels) if s >= threshold and not y)
    fn = sum(1 for s, y in zip(scores, labels) if s < threshold and y)
    report = _prf(tp, fp, fn)
    report.update({"average_precision": round(average_precision(labels, scores), 4), "threshold": threshold,
                   "rows": len(labels), "positives": sum(labels), "calibration": reliability(labels, scores)})
    return report


def read_checkworthiness_tsv(path: Path) -> tuple[list[str], list[int], list[str] | None]:
    """(texts, labels, sources) of a TSV with a header naming `text` and `label` (CSV-style
    quoting); sources is the `source` column, or None when the file has none."""
    import csv

    csv.field_size_limit(10**9)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        header = [h.strip().lower() for h in next(reader)]
        if "text" not in header or "label" not in header:
            raise SystemExit(f"{path}: the header must name the columns text and label (found {header})")
        t, lab = header.index("text"), header.index("label")
        src = header.index("source") if "source" in header else None
        rows = [r for r in reader if len(r) > max(t, lab, src or 0)]
    labels = [1 if r[lab].strip().lower() in ("1", "yes", "true") else 0 for r in rows]
    sources = [r[src] for r in rows] if src is not None else None
    return [r[t] for r in rows], labels, sources


def rows_of_sources(sources: list[str] | None, chosen: list[str]) -> list[int]:
    """Indices of the rows whose `source` is one of `chosen`. Raises SystemExit when the file has
    no source column or no row of those sources (a misspelt name must not pass unnoticed)."""
    if sources is None:
        raise SystemExit("--f1-source needs a TSV with a source column")
    kept = [i for i, source in enumerate(sources) if source in chosen]
    if not kept:
        raise SystemExit(f"no row has the source {' or '.join(chosen)}")
    return kept


def format_checkworthiness(report: dict) -> str:
    lines = [f"rows {report['rows']}, check-worthy {report['positives']}, threshold {report['threshold']:.2f}",
             f"precision {report['precision']:.3f}  recall {report['recall']:.3f}  F1 {report['f1']:.3f}  "
             f"AP {report['average_precision']:.3f}  (tp {report['tp']}, fp {report['fp']}, fn {report['fn']})",
             f"reliability (expected calibration error {report['calibration']['ece']:.3f}):",
             f"  {'score':<10}{'rows':>6}{'mean score':>12}{'check-worthy':>14}"]
    for b in report["calibration"]["bins"]:
        if b["n"]:
            lines.append(f"  {b['bin']:<10}{b['n']:>6}{b['mean_score']:>12.3f}{b['positive_share']:>14.3f}")
    return "\n".join(lines)


def _main_checkworthiness(args) -> int:
    """Score the model on a labelled TSV: every row, and with --f1-source the rows of those
    sources too, where F1 is then checked (AP always on every row). The check-worthiness dataset's
    README says to measure F1 on its CT24 dev-test rows: after its overlap removal CT24 dev has no
    check-worthy row left and only adds negatives."""
    from api.extraction.checkworthiness import get_model

    texts, labels, sources = read_checkworthiness_tsv(args.gold)
    model = get_model()
    scores = model.scores(texts)
    report = score_checkworthiness(labels, scores, model.threshold)
    measured = {"f1": report["f1"], "average_precision": report["average_precision"]}
    if args.f1_source:
        kept = rows_of_sources(sources, args.f1_source)
        part = score_checkworthiness([labels[i] for i in kept], [scores[i] for i in kept], model.threshold)
        report["f1_rows"] = {"sources": args.f1_source, **part}
        measured["f1"] = part["f1"]
    missed = [f"{k} = {measured[k]:.3f} < {v}" for k, v in CHECKWORTHINESS_TARGETS.items() if measured[k] < v]
    report["targets"] = {"measured": measured, "missed": missed}
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(format_checkworthiness(report))
        if args.f1_source:
            print(f"\nthe rows of {', '.join(args.f1_source)} (F1 is checked on these, AP on every row):")
            print(format_checkworthiness(report["f1_rows"]))
        print("targets missed: " + "; ".join(missed) if missed else
              "targets met: " + ", ".join(f"{k} {measured[k]:.3f} >= {v}" for k, v in CHECKWORTHINESS_TARGETS.items()))
    return 1 if missed and args.check_targets else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="claimtrack evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path, help="gold JSON (data/gold/GOLD-FORMAT.md) or check-worthiness TSV")
    ap.add_argument("--docs", type=Path, help="directory holding the gold's files (gold JSON only)")
    ap.add_argument("--kind", default=None, help="source kind of the gold's documents (e.g. transcript)")
    ap.add_argument("--json", action="store_true", help="print the full report as JSON")
    ap.add_argument("--model", default=None, help="spaCy model name (default: see api.extraction.model)")
    ap.add_argument("--check-targets", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--f1-source", action="append", metavar="SOURCE",
                    help="check-worthiness TSV: also score the rows of this source (repeatable) and check F1 "
                         "on them (AP stays on every row), e.g. CT24_checkworthy_english_dev-test")
    args = ap.parse_args(argv)
    if args.gold.suffix.lower() == ".tsv":
        return _main_checkworthiness(args)
    if args.docs is None:
        ap.error("--docs is required with a gold JSON file")

    from api.extraction import extract_many

    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    files = sorted({m["file"] for p in gold.get("people", []) for m in p["mentions"]}
                   | {c["file"] for c in gold.get("claims", [])})
    texts = {f: (args.docs / f).read_text(encoding="utf-8") for f in files}
    results = extract_many([texts[f] for f in files], kind=args.kind, model_name=args.model)
    report = score(gold, dict(zip(files, results)), texts)
    print(json.dumps(report, indent=1) if args.json else format_report(report))
    missed = check_targets(report)
    if missed:
        print("targets missed: " + "; ".join(missed))
    return 1 if missed and args.check_targets else 0


if __name__ == "__main__":
    sys.exit(main())
