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

With `--fill URL` (an empty SQLite database) the WHOLE request is timed through the database
instead, at each size in the same run:

    python -m bench.matching_scale $DATASETS/claim-retrieval --database sqlite:///bench/data/matching.db \
        --fill sqlite:///bench/data/requests.db --index-dir bench/data/requests-index \
        --sizes 10000 1000000

The database is grown to each size in turn, in big transactions of executemany (a database
filled before is grown further, or only timed again at the size it holds): claim i ≤ 14,231
is the real claim, copied from `--database` with its source and appearance; the others are
synthetic claims carrying the text of the claim they copy (no appearance of their own). Every
claim gets its `claim_embedding` row, the vector and terms `synthesise` makes, through the
ordinary INSERT, so the triggers of migration 0009 fill FTS5 and the BM25 statistics. The vector
index is then built and saved by api.services.matching.save_vector_index (what `claimtrack
embed-claims` does with CLAIMTRACK_MATCHING_INDEX_DIR), and each dev tweet is sent as
`POST /v1/claims/matches {"text": tweet, "limit": 5}` through the Flask test client of an app
configured with that index directory (as bench/matching.py does): the generation read, the
mapped index, the lexical side from the database, the filters, reading and presenting the claims.
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
from api.db import database, migrate
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


def fill(source_url: str, ids, vectors, terms, start: int, size: int, model: str, generation: int) -> None:
    """Insert claims start+1..size (and their claim_embedding rows) into the bound SQLite database;
    the real ones (keys of `ids`) with their claim, source and appearance rows copied from
    `source_url`, the synthetic ones as copies of the claim they were made from."""
    import datetime

    real = len(ids)
    path = source_url[len("sqlite:///"):]
    connection = database.connection()
    columns = {table: [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
               for table in ("source", "claim", "appearance")}
    connection.execute("ATTACH DATABASE ? AS src", (path,))
    try:
        with database.atomic():
            if not start:  # every source once: claims of any size point into them
                names = ", ".join(f'"{c}"' for c in columns["source"])
                connection.execute(f"INSERT INTO source ({names}) SELECT {names} FROM src.source")
            last_real = min(size, real)
            if start < last_real:
                for table, key in (("claim", "id"), ("appearance", "claim_id")):
                    names = ", ".join(f'"{c}"' for c in columns[table])
                    connection.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM src.{table} "
                                       f"WHERE {key} > ? AND {key} <= ?", (start, last_real))
            texts = dict(connection.execute("SELECT id, text FROM src.claim"))
    finally:
        connection.execute("DETACH DATABASE src")
    now = datetime.datetime(2026, 11, 30)
    claim_sql = ("INSERT INTO claim (id, created_at, updated_at, version, text, status, origin) "
                 "VALUES (?, ?, ?, 1, ?, 'unreviewed', 'imported')")
    row_sql = ("INSERT INTO claim_embedding (claim_id, model, text_sha256, vector, terms, updated_at, generation) "
               "VALUES (?, ?, '', ?, ?, ?, ?)")
    batch = 50_000
    for offset in range(start, size, batch):
        end = min(offset + batch, size)
        claims = [(i + 1, now, now, texts[ids[i % real]]) for i in range(max(offset, real), end)]
        rows = [(i + 1, model, np.ascontiguousarray(vectors[i], dtype="<f4").tobytes(), " ".join(terms[i]), now,
                 generation) for i in range(offset, end)]
        with database.atomic():
            cursor = connection.cursor()
            cursor.executemany(claim_sql, claims)
            cursor.executemany(row_sql, rows)
        print(f"filled {end:,} / {size:,}", file=sys.stderr, flush=True)


def timed_requests(app, queries, names):
    """Sorted milliseconds of each `POST /v1/claims/matches {"text", "limit": 5}` through the test
    client, and each answer as vclaim ids (None for a synthetic claim)."""
    from api.services.keys import create_key

    with database.connection_context():
        token = create_key("bench matching scale", "reader").token
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    times, run = [], {}
    for query in queries:
        t = time.perf_counter()
        response = client.post("/v1/claims/matches", json={"text": query["text"], "limit": 5}, headers=headers)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.json
        run[query["query_id"]] = [names.get(item["claim"]["id"]) for item in response.json["data"]]
    return sorted(times), run


def through_api(args, ids, vectors, terms, names, queries, qrels) -> None:
    """The --fill mode (module docstring): one JSON line per size."""
    from api.domain.ids import encode_id
    from api.models import ClaimEmbedding, MatchingState
    from api.services import matching

    # Claim i (from 0) is stored as key i + 1: the real ones keep theirs (bench/matching.py loads them from 1).
    assert ids == list(range(1, len(ids) + 1)), "the source's claims must have keys 1..n"
    source_model = open_source_model(args.database)
    app = create_app(Config(database_url=args.fill, rate_limit_per_minute=0, auth_failures_per_minute=0,
                            matching_index_dir=str(args.index_dir)))
    migrate()
    database.initialize(app.extensions["claimtrack_db"])
    with database.connection_context():
        model = matching.model_name()
        assert source_model == model, (source_model, model)
    claim_names = {encode_id("claim", pk): names[i] for i, pk in enumerate(ids)}
    with database.connection_context():
        stored = ClaimEmbedding.select().count()
    if min(args.sizes) < stored:
        raise SystemExit(f"{args.fill} already holds {stored} claims: give sizes of at least that")
    synthetic = synthesise(ids, vectors, terms, max(args.sizes)) if max(args.sizes) > stored else None
    for size in sorted(args.sizes):
        inserted = saved = None  # a database filled to this size before is only timed again
        with database.connection_context():
            if size > stored:
                started = time.perf_counter()
                MatchingState.update(generation=MatchingState.generation + 1).where(MatchingState.id == 1).execute()
                fill(args.database, ids, synthetic[1], synthetic[2], stored, size, model, matching._generation())
                stored = size
                inserted = round(time.perf_counter() - started, 1)
                started = time.perf_counter()
                matching.save_vector_index(force=True)
                saved = round(time.perf_counter() - started, 1)
            started = time.perf_counter()
            matching.current_matcher()  # maps the saved index, as a worker's first request does
            opened = time.perf_counter() - started
        times, run = timed_requests(app, queries, claim_names)
        from api.matching import vectors as hnsw
        print(json.dumps({"claims": size, "database": type(database.obj).__name__, "insert_s": inserted,
                          "index_build_and_save_s": saved,
                          "expansion_add": None if saved is None else hnsw.EXPANSION_ADD,
                          "first_matcher_s": round(opened, 2), "queries": len(queries),
                          "p50_ms": round(statistics.median(times), 1),
                          "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
                          "map_at_5_dev": round(map_at_k(run, {q["query_id"]: qrels[q["query_id"]] for q in queries}), 4)}),
              flush=True)


def open_source_model(url: str) -> str:
    """The model name of the stored rows of the source database."""
    from api.db import open_database

    source = open_database(url)
    with source.connection_context():
        (model,), = source.execute_sql("SELECT DISTINCT model FROM claim_embedding")
    return model


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
    parser.add_argument("--fill", help="an empty SQLite database: time whole requests through it (module docstring)")
    parser.add_argument("--index-dir", type=Path, help="with --fill: CLAIMTRACK_MATCHING_INDEX_DIR of the filled database")
    args = parser.parse_args(argv)
    if args.fill and not args.index_dir:
        parser.error("--fill needs --index-dir")
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
    if args.fill:
        through_api(args, ids, vectors, terms, names, queries, qrels)
        return 0
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
