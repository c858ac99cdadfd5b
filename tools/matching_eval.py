"""Evaluates api.matching on the CLEF CheckThat! 2022 Task 2A (English) claim-retrieval data.

    python -m tools.matching_eval $DATASETS/claim-retrieval [--splits train dev]

Reports, per split and method (BM25 only, embedding only, fused): MAP@5, recall@1, @5 and
@50 (for the fused method: the answer among the pooled candidates), the p50 and p95 latency of
one fused query, and the score thresholds whose top matches reach precision ≥ 0.95 (chosen on
the first split given, applied to the others): over queries that have an answer, and over an
equal mix of those and of the same queries with their answer left out of the collection. `--translations FILE` scores a JSONL of
{"query_id", "lang", "text"} translations of dev queries against the dev judgements.

MAP@5 is the official measure of CheckThat! 2022 Task 2A (Nakov et al., "Overview of the
CLEF-2022 CheckThat! Lab Task 2 on Detecting Previously Fact-Checked Claims", CEUR-WS
Vol-3180, paper 29), computed as the lab's scorer does with trectools
`TrecEval.get_map(depth=5)`: per query, the sum of precision@r over the ranks r ≤ 5 that hold
a relevant claim, divided by the number of relevant claims; averaged over every judged query.

The claims' vectors are computed once and cached (`--cache`, default `.cache/matching/`,
ignored by git), keyed by the model's and the texts' sha256. Only the title and claim text of
each vclaim are used (what claimtrack stores); never subtitles, authors, dates or URLs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from api.matching.encoder import get_encoder
from api.matching.matcher import Claim, Matcher
from api.matching.text import prepare_query

DEFAULT_CACHE = Path(".cache/matching")
TARGET_PRECISION = 0.95

Run = Mapping[str, Sequence[str]]  # query id → claim ids, best first
Qrels = Mapping[str, set[str]]  # query id → relevant claim ids


def map_at_k(run: Run, qrels: Qrels, k: int = 5) -> float:
    """Mean average precision at k over every query in `qrels` (CheckThat! 2022 Task 2A)."""
    if not qrels:
        return 0.0
    total = 0.0
    for qid, relevant in qrels.items():
        hits, precision_sum = 0, 0.0
        for rank, claim_id in enumerate(run.get(qid, [])[:k], 1):
            if claim_id in relevant:
                hits += 1
                precision_sum += hits / rank
        total += precision_sum / len(relevant)
    return total / len(qrels)


def recall_at_k(run: Run, qrels: Qrels, k: int) -> float:
    """Share of judged queries with at least one relevant claim in their top k."""
    if not qrels:
        return 0.0
    return sum(bool(set(run.get(qid, [])[:k]) & relevant) for qid, relevant in qrels.items()) / len(qrels)


def precision_threshold(top: Iterable[tuple[float, bool]], target: float = TARGET_PRECISION) -> float | None:
    """The lowest score t such that the top matches scoring ≥ t are correct with precision ≥
    `target` (and so is every higher cut-off); None when even the best-scored one is wrong.
    `top` holds (score of a query's best match, whether it is relevant)."""
    ranked = sorted(top, key=lambda pair: -pair[0])
    best, correct = None, 0
    for n, (score, ok) in enumerate(ranked, 1):
        correct += ok
        if correct / n >= target:
            best = score
        else:
            # Stop at the first cut-off below target: a lower one may climb back above it, but
            # the scores between the two would then link with less than target precision.
            break
    return best


def precision_at(top: Sequence[tuple[float, bool]], threshold: float) -> tuple[float | None, float]:
    """(precision, coverage) of the top matches scoring ≥ threshold: coverage is the share of
    queries whose best match clears it; precision None when none does."""
    kept = [ok for score, ok in top if score >= threshold]
    return (sum(kept) / len(kept) if kept else None), (len(kept) / len(top) if top else 0.0)


# --------------------------------------------------------------------------- data set


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def read_claims(folder: Path) -> list[Claim]:
    return [Claim(v["vclaim_id"], v["vclaim"], v["title"]) for v in read_jsonl(folder / "vclaims.jsonl")]


def read_split(folder: Path, split: str) -> tuple[list[dict], dict[str, set[str]]]:
    queries = read_jsonl(folder / f"queries_{split}.jsonl")
    qrels: dict[str, set[str]] = {}
    for line in (folder / f"qrels_{split}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, _, claim_id, relevance = line.split("\t")
            if int(relevance) > 0:
                qrels.setdefault(qid, set()).add(claim_id)
    return queries, qrels


def claim_vectors(claims: Sequence[Claim], cache: Path) -> np.ndarray:
    """The claims' vectors, from `cache` when computed before with the same model and texts."""
    encoder = get_encoder()
    digest = hashlib.sha256(encoder.fingerprint.encode())
    for claim in claims:
        digest.update(claim.indexed_text.encode("utf-8") + b"\0")
    path = cache / f"vectors-{digest.hexdigest()[:16]}.npy"
    if path.is_file():
        return np.load(path)
    started = time.perf_counter()
    vectors = encoder.encode([claim.indexed_text for claim in claims])
    print(f"encoded {len(claims)} claims in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def build_matcher(folder: Path, cache: Path = DEFAULT_CACHE) -> Matcher:
    claims = read_claims(folder)
    return Matcher(claims, vectors=claim_vectors(claims, cache))


# --------------------------------------------------------------------------- runs


def runs(matcher: Matcher, queries: Sequence[dict], qrels: Qrels, k: int = 50) -> dict:
    """Per method, the ranking of every query (top k ids), plus the fused latency, the score of
    each query's best match, and that score when the relevant claims are left out (the query
    then stands for a claim never checked before)."""
    ids = [claim.id for claim in matcher.claims]
    out: dict = {"bm25": {}, "embedding": {}, "fused": {}, "latency_ms": [], "top": {}, "top_unanswered": {}}
    for query in queries:
        qid, text = query["query_id"], query["text"]
        started = time.perf_counter()
        matches = matcher.match(text, limit=k)
        out["latency_ms"].append((time.perf_counter() - started) * 1000)
        out["fused"][qid] = [m.claim_id for m in matches]
        out["top"][qid] = matches[0].score if matches else 0.0
        others = matcher.match(text, limit=1, exclude=qrels.get(qid, set()))
        out["top_unanswered"][qid] = others[0].score if others else 0.0
        prepared = prepare_query(text)
        out["bm25"][qid] = [claim_id for claim_id, _ in matcher.lexical(prepared, k)]
        nearest, _ = matcher.vectors.search(matcher.encoder.encode([prepared])[0], k)
        out["embedding"][qid] = [ids[i] for i in nearest]
    return out


def summarize(result: dict, qrels: Qrels) -> dict:
    table = {}
    for method in ("bm25", "embedding", "fused"):
        run = result[method]
        table[method] = {
            "MAP@5": map_at_k(run, qrels, 5),
            "R@1": recall_at_k(run, qrels, 1),
            "R@5": recall_at_k(run, qrels, 5),
            "R@50": recall_at_k(run, qrels, 50),
        }
    latency = result["latency_ms"]
    table["latency_ms"] = {"p50": statistics.median(latency), "p95": float(np.percentile(latency, 95))}
    table["top"] = [(result["top"][qid], bool(set(result["fused"][qid][:1]) & rel)) for qid, rel in qrels.items()]
    table["top_unanswered"] = [result["top_unanswered"][qid] for qid in qrels]
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path, help="folder with vclaims.jsonl, queries_*.jsonl, qrels_*.tsv")
    parser.add_argument("--splits", nargs="+", default=["train", "dev"])
    parser.add_argument("--translations", type=Path, help="JSONL of translated dev queries")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    missing = [name for name in ["vclaims.jsonl"] + [f"{kind}_{split}.{ext}" for split in args.splits
               for kind, ext in (("queries", "jsonl"), ("qrels", "tsv"))] if not (args.dataset / name).is_file()]
    if missing:
        print(f"matching_eval: {args.dataset} is not the claim-retrieval folder: no {', '.join(missing)}",
              file=sys.stderr)
        return 2

    started = time.perf_counter()
    matcher = build_matcher(args.dataset, args.cache)
    print(f"{len(matcher.claims)} claims indexed in {time.perf_counter() - started:.1f} s")
    report: dict = {}
    thresholds: dict[str, float | None] = {}
    for split in args.splits:
        queries, qrels = read_split(args.dataset, split)
        table = summarize(runs(matcher, queries, qrels), qrels)
        top = table.pop("top")
        unanswered = table.pop("top_unanswered")
        if not thresholds:  # chosen on the first split only
            thresholds = {
                # Precision of the top match over queries that have an answer (all of them here).
                "answered": precision_threshold(top),
                # ... over an equal mix of those and of the same queries with their answer left
                # out, where any link is wrong: what auto-linking new claims faces.
                "mixed": precision_threshold(top + [(score, False) for score in unanswered]),
            }
            table["thresholds_chosen_here"] = True
        table["thresholds"] = {name: threshold_stats(top, unanswered, value) for name, value in thresholds.items()}
        report[split] = table
        print_table(split, len(queries), table)
    if args.translations:
        dev_queries, qrels = read_split(args.dataset, "dev")
        report["translations"] = translations(matcher, read_jsonl(args.translations), dev_queries, qrels)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def threshold_stats(top: Sequence[tuple[float, bool]], unanswered: Sequence[float], threshold: float | None) -> dict:
    """At `threshold`: precision and coverage of the top matches of answered queries, the share of
    queries whose best match clears it with their answer left out, and the precision of links
    over the equal mix of both."""
    if threshold is None:
        return {"value": None}
    precision, coverage = precision_at(top, threshold)
    wrong = sum(score >= threshold for score in unanswered)
    right = sum(ok for score, ok in top if score >= threshold)
    linked = sum(score >= threshold for score, _ in top) + wrong
    return {
        "value": threshold,
        "precision": precision,
        "coverage": coverage,
        "linked_without_answer": wrong / len(unanswered) if unanswered else 0.0,
        "mixed_precision": right / linked if linked else None,
    }


def translations(matcher: Matcher, rows: Sequence[dict], dev_queries: Sequence[dict], qrels: Qrels) -> dict:
    """MAP@5 of translated dev queries per language and method, next to the same queries in English."""
    ids = {row["query_id"] for row in rows}
    sub_qrels = {qid: qrels[qid] for qid in ids}
    out = {}
    groups = {"en": [q for q in dev_queries if q["query_id"] in ids]}
    for row in rows:
        groups.setdefault(row["lang"], []).append({"query_id": row["query_id"], "text": row["text"]})
    for lang, queries in groups.items():
        result = runs(matcher, queries, sub_qrels)
        subset = {q["query_id"]: sub_qrels[q["query_id"]] for q in queries}
        out[lang] = {m: map_at_k(result[m], subset, 5) for m in ("bm25", "embedding", "fused")}
        out[lang]["queries"] = len(queries)
        print(f"translations {lang:>3} ({len(queries)} queries): " + "  ".join(
            f"{m} {out[lang][m]:.3f}" for m in ("bm25", "embedding", "fused")))
    return out


def print_table(split: str, n: int, table: dict) -> None:
    print(f"\n{split} ({n} queries)        MAP@5    R@1    R@5   R@50")
    for method in ("bm25", "embedding", "fused"):
        row = table[method]
        print(f"  {method:<22}{row['MAP@5']:.4f}  {row['R@1']:.3f}  {row['R@5']:.3f}  {row['R@50']:.3f}")
    lat = table["latency_ms"]
    print(f"  fused latency: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms")
    for name, th in table["thresholds"].items():
        if th["value"] is None:
            print(f"  {name} threshold: none reaches precision {TARGET_PRECISION}")
            continue
        fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
        print(f"  {name} threshold {th['value']:.3f}: top-1 precision {fmt(th['precision'])}, coverage "
              f"{th['coverage']:.3f}; answer left out: {th['linked_without_answer']:.3f} still linked; "
              f"mixed precision {fmt(th['mixed_precision'])}")


if __name__ == "__main__":
    raise SystemExit(main())
