"""Scores extraction results against a gold file (shared/seed-documents/GOLD-FORMAT.md).

    python -m api.extraction.evaluate data/gold/samples.json --docs data/samples [--json] [--check-targets]

Metrics (micro-averaged over documents):
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m api.extraction.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--docs", type=Path, required=True, help="directory holding the gold's files")
    ap.add_argument("--json", action="store_true", help="print the full report as JSON")
    ap.add_argument("--model", default=None, help="spaCy model name (default: see api.extraction.model)")
    ap.add_argument("--check-targets", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)

    from .pipeline import extract_many

    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    files = sorted({m["file"] for p in gold.get("people", []) for m in p["mentions"]}
                   | {c["file"] for c in gold.get("claims", [])})
    texts = {f: (args.docs / f).read_text(encoding="utf-8") for f in files}
    results = extract_many([texts[f] for f in files], model_name=args.model)
    report = score(gold, dict(zip(files, results)), texts)
    print(json.dumps(report, indent=1) if args.json else format_report(report))
    missed = check_targets(report)
    if missed:
        print("targets missed: " + "; ".join(missed))
    return 1 if missed and args.check_targets else 0


if __name__ == "__main__":
    sys.exit(main())
