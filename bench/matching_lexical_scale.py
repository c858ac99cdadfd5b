"""How the lexical side of a match query grows with the number of stored claims, measured through
the database (issue 16: at 1 M claims within 2× of its time at 10 k).

    python -m bench.matching_lexical_scale $DATASETS/claim-retrieval \
        --source sqlite:///bench/data/matching.db --database sqlite:///bench/data/matching_scale.db \
        --sizes 10000 100000 1000000

The target database is filled with synthetic claims, growing to each size in turn: copy i of
stored claim c (the 14,231 of `--source`, loaded by bench/matching.py) gets c's terms with one
replaced by a term drawn from the whole vocabulary and a term `syn<i>` added (as
bench/matching_scale.py does), and c's stored vector bytes. Rows go in through the ordinary
INSERT, so the triggers of migration 0009 fill the full-text index and the BM25 statistics. The
first 14,231 rows are the real claims.

Each dev tweet is then timed through api.matching.lexical.top_documents over
api.services.matching.DatabasePostings with the matcher's budget: reading the statistics,
the postings of the query's rarer terms through the full-text index, and scoring them. That is
the lexical half of Matcher.match; the vector half (usearch) is measured by bench/matching_scale.py.
Prints one JSON object per size: p50 / p95 ms, rows read, and the seconds the rows took to insert.
"""
from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from api.app import create_app
from api.config import Config
from api.db import database, migrate, open_database
from api.matching.lexical import terms, top_documents
from api.matching.matcher import CANDIDATES, LEXICAL_BUDGET
from api.matching.text import prepare_query
from tools.matching_eval import read_split

SEED = 16
BATCH = 5000


def read_source(url: str) -> tuple[list[list[str]], list[bytes]]:
    source = open_database(url)
    with source.connection_context():
        rows = list(source.execute_sql("SELECT terms, vector FROM claim_embedding ORDER BY claim_id"))
    return [words.split() for words, _ in rows], [bytes(vector) for _, vector in rows]


def grow(real_terms, vectors, start: int, size: int, rng) -> None:
    """Insert synthetic rows start..size-1 (claims and their claim_embedding rows)."""
    vocabulary = sorted({t for words in real_terms for t in words})
    n = len(real_terms)
    now = datetime.datetime(2026, 11, 30)
    connection = database.connection()
    placeholder = "%s" if "Postgres" in type(database.obj).__name__ else "?"
    claim_sql = (f"INSERT INTO claim (id, created_at, updated_at, version, text, status, origin) VALUES "
                 f"({', '.join([placeholder] * 7)})")
    row_sql = (f"INSERT INTO claim_embedding (claim_id, model, text_sha256, vector, terms, updated_at, generation) "
               f"VALUES ({', '.join([placeholder] * 7)})")
    for offset in range(start, size, BATCH):
        claims, rows = [], []
        for i in range(offset, min(offset + BATCH, size)):
            copy, c = divmod(i, n)
            words = list(real_terms[c])
            if copy:
                if words:
                    words[rng.integers(len(words))] = vocabulary[rng.integers(len(vocabulary))]
                words.append(f"syn{copy}")
            claims.append((i + 1, now, now, 1, "synthetic", "unreviewed", "imported"))
            rows.append((i + 1, "synthetic", "", vectors[c], " ".join(words), now, 1))
        with database.atomic():
            cursor = connection.cursor()
            cursor.executemany(claim_sql, claims)
            cursor.executemany(row_sql, rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--source", required=True, help="the database bench/matching.py loaded")
    parser.add_argument("--database", required=True, help="an empty database to fill")
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args(argv)
    real_terms, vectors = read_source(args.source)
    app = create_app(Config(database_url=args.database, rate_limit_per_minute=0, auth_failures_per_minute=0))
    migrate()
    database.initialize(app.extensions["claimtrack_db"])
    from api.models import ClaimEmbedding
    from api.services.matching import DatabasePostings

    class Counting(DatabasePostings):
        read = 0

        def containing(self, term, limit=None):
            found = super().containing(term, limit)
            self.read += len(found)
            return found

    queries, _ = read_split(args.folder, "dev")
    rng = np.random.default_rng(SEED)
    with database.connection_context():
        stored = ClaimEmbedding.select().count()
        if min(args.sizes) < stored:
            parser.error(f"the database already holds {stored} rows: give sizes of at least that")
        for size in sorted(args.sizes):
            started = time.perf_counter()
            if size > stored:
                grow(real_terms, vectors, stored, size, rng)
                stored = size
            inserted = time.perf_counter() - started
            times, read = [], []
            for query in queries:
                postings = Counting()
                t = time.perf_counter()
                top_documents(postings, terms(prepare_query(query["text"])), CANDIDATES, budget=LEXICAL_BUDGET)
                times.append((time.perf_counter() - t) * 1000)
                read.append(postings.read)
            times.sort()
            print(json.dumps({"claims": size, "database": type(database.obj).__name__, "insert_s": round(inserted, 1),
                              "queries": len(queries), "p50_ms": round(statistics.median(times), 1),
                              "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
                              "rows_read_p50": statistics.median(read), "rows_read_max": max(read)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
