"""How a match query's time grows with the number of stored claims (issue 16: at 1 M claims within
2× of its time at 10 k), measured on the matcher a process builds from the stored rows.

    python -m bench.matching_scale $DATASETS/claim-retrieval --database sqlite:///bench/data/matching.db \
        --sizes 10000 100000 1000000

Embedding a million texts here would take about 3 hours of CPU, so the collection is synthesised
from the 14,231 stored claims (vectors and BM25 terms as bench/matching.py stored them):

- copy i of claim c (i ≥ 1) gets c's unit vector plus Gaussian noise (σ = 0.02 per dimension,
  about 0.4 in norm, so its cosine to the original is about 0.93), renormalised;
- and c's terms with one of them replaced by a term drawn from the whole vocabulary, and one
  synthetic term `syn<i>` added (so copies are not identical documents and the vocabulary grows).

The HNSW graph is built with 2 threads here (a process builds with one; the graph's quality is
the same). The first 14,231 claims are the real ones, so the dev queries still have their answers. Each dev
query is timed through `Matcher.match(text, limit=1000)`, what api.services.matching.match_text
asks (query encoding, BM25 over every claim, HNSW search, fusion). The rest of a request (one
primary-key read of the generation, the filters and details of at most 100 candidates by primary
key, presenting 10 claims) does not grow with the collection; bench/matching.py times whole
requests at 14 k.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from api.app import create_app
from api.config import Config
from api.db import database
from api.matching import Matcher
from api.matching.lexical import MemoryPostings
from api.matching.vectors import VectorIndex
from tools.matching_eval import map_at_k, read_jsonl, read_split

NOISE = 0.02


def synthesise(ids, vectors, terms, size, seed=16):
    rng = np.random.default_rng(seed)
    vocabulary = sorted({t for words in terms for t in words})
    n = len(ids)
    out_vectors = np.empty((size, vectors.shape[1]), dtype=np.float32)
    out_terms: list[list[str]] = []
    for start in range(0, size, n):
        count = min(n, size - start)
        copy = start // n
        block = vectors[:count]
        if copy:
            block = block + rng.normal(0, NOISE, block.shape).astype(np.float32)
            block /= np.linalg.norm(block, axis=1, keepdims=True)
        out_vectors[start:start + count] = block
        for words in terms[:count]:
            if copy:
                words = list(words)
                if words:
                    words[rng.integers(len(words))] = vocabulary[rng.integers(len(vocabulary))]
                words.append(f"syn{copy}")
            out_terms.append(words)
    return list(range(size)), out_vectors, out_terms


def timed(matcher, queries, names, real):
    """Sorted milliseconds of each query, and its top 5 as vclaim ids (None for a synthetic copy)."""
    times, run = [], {}
    for query in queries:
        t = time.perf_counter()
        found = matcher.match(query["text"], limit=1000)
        times.append((time.perf_counter() - t) * 1000)
        run[query["query_id"]] = [names.get(m.claim_id) if m.claim_id < real else None for m in found[:5]]
    return sorted(times), run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--database", required=True)
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=199)
    parser.add_argument("--expansion-add", type=int, default=None,
                        help="HNSW build breadth (production: api.matching.vectors.EXPANSION_ADD, 128); lower "
                             "builds faster, the query's breadth (EXPANSION_SEARCH) is unchanged")
    parser.add_argument("--save-dir", type=Path, help="also save each size's index here, open it memory-mapped "
                                                      "(what a process does with CLAIMTRACK_MATCHING_INDEX_DIR) and "
                                                      "time the opening and the same queries on it")
    args = parser.parse_args(argv)
    if args.expansion_add:
        import api.matching.vectors
        api.matching.vectors.EXPANSION_ADD = args.expansion_add
    app = create_app(Config(database_url=args.database, rate_limit_per_minute=0, auth_failures_per_minute=0))
    database.initialize(app.extensions["claimtrack_db"])
    from api.models import ClaimEmbedding
    from api.services.matching import _rows

    with database.connection_context():
        ids, vectors = _rows()
        stored = dict(ClaimEmbedding.select(ClaimEmbedding.claim, ClaimEmbedding.terms).tuples())
        terms = [stored[pk].split() for pk in ids]
    names = {i: row["vclaim_id"] for i, row in enumerate(read_jsonl(args.folder / "vclaims.jsonl"))}
    queries, qrels = read_split(args.folder, "dev")
    queries = queries[:args.queries]
    for size in args.sizes:
        started = time.perf_counter()
        positions, synthetic_vectors, synthetic_terms = synthesise(ids, vectors, terms, size)
        matcher = Matcher.from_stored(positions, synthetic_vectors, MemoryPostings(synthetic_terms), threads=2)
        built = time.perf_counter() - started
        times, run = timed(matcher, queries, names, len(ids))
        from api.matching import vectors as hnsw
        result = {"claims": size, "expansion_add": hnsw.EXPANSION_ADD, "build_s": round(built, 1),
                  "queries": len(queries), "p50_ms": round(statistics.median(times), 1),
                  "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
                  "map_at_5_dev": round(map_at_k(run, {q["query_id"]: qrels[q["query_id"]] for q in queries}), 4)}
        if args.save_dir:
            args.save_dir.mkdir(parents=True, exist_ok=True)
            path = str(args.save_dir / f"scale-{size}.usearch")
            matcher.vectors.save(path)
            started = time.perf_counter()
            opened = VectorIndex.open(path)
            result["mapped_open_ms"] = round((time.perf_counter() - started) * 1000, 1)
            mapped = Matcher.from_stored(positions, opened, matcher.postings)
            mapped_times, mapped_run = timed(mapped, queries, names, len(ids))
            result["mapped_p50_ms"] = round(statistics.median(mapped_times), 1)
            result["mapped_same_top5"] = sum(mapped_run[q] == run[q] for q in run)
            del mapped, opened
        print(json.dumps(result), flush=True)
        del matcher
    return 0


if __name__ == "__main__":
    sys.exit(main())
