"""Matching stored claims (issue 16): "has this been checked before?".

Two halves:

- **Writing** (off the request path: a job, `claimtrack embed-claims`, tests). `embed_claims`
  computes each claim's matching data from its indexed text, the title of the source of its
  first appearance followed by its text (api.matching.text.prepare_claim): the unit vector
  (api.matching.encoder, about 5-10 ms a claim on one core) and the stemmed BM25 terms
  (api.matching.lexical.terms). It stores them in `claim_embedding` with the model's name and the
  text's sha256, and raises `matching_state.generation` in the same transaction. Triggers
  (migration 0009) put the terms in the database's full-text index (FTS5 on SQLite, a GIN-indexed
  tsvector on PostgreSQL) and keep BM25's statistics (`matching_term.df`, `matching_state.documents`
  and `total_length`) in that transaction too.
- **Reading** (a request). The lexical side is read from the database at each query
  (`DatabasePostings`): the statistics of the query's terms, then the rows the full-text index
  finds for the query's rarest terms, at most api.matching.matcher.LEXICAL_BUDGET of them
  (api.matching.lexical.top_documents). BM25 is computed in our code from those rows and the
  stored statistics, so SQLite and PostgreSQL give the same candidates and the same scores
  (FTS5's bm25() and PostgreSQL's ts_rank differ, and ts_rank has no idf). The vector side is
  an in-memory usearch HNSW index per process and database, built from the stored vectors;
  before each query the process reads the generation (one primary-key read) and takes in the rows
  written since. Deleted claims drop out at once: their rows go with them (ON DELETE CASCADE),
  and the candidates are read back from the claim table.

Claims without stored data yet (new, or edited since) are not found until embedded: the
extraction's auto-link and `GET /v1/claims/{id}/matches` embed the claim they start from first.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from peewee import JOIN, fn

from api.db import database, is_postgres
from api.domain.errors import NotFound
from api.domain.ids import encode_id
from api.domain.verdicts import UNREVIEWED
from api.matching import Matcher
from api.matching.matcher import CANDIDATES
from api.matching.encoder import DIMENSIONS, get_encoder
from api.matching.lexical import Statistics, terms
from api.matching.vectors import VectorIndex
from api.matching.text import prepare_claim
from api.models import Appearance, Claim, ClaimEmbedding, MatchingState, MatchingTerm, Source, utcnow
from api.services.claims import ClaimDetails, claim_details

# When a newly extracted claim becomes an appearance of an existing one instead of a claim of its
# own: its best match scores at least AUTO_LINK_THRESHOLD and the two vectors' cosine is at least
# AUTO_LINK_MIN_COSINE. Both chosen on the claim-retrieval TRAIN split (tools/matching_threshold.py)
# for precision ≥ 0.95 over an equal mix of queries with their answer present and with it removed
# from the collection (most new claims have no earlier match): train 0.955, with 39 % of the
# repeats linked (0.958 and 38.8 % rerun with the lexical side from the database, README). Reported on dev: precision 1.000, 53 % of the repeats linked, no query linked
# once its answer was removed. The cosine floor also guards small collections, where the fusion's
# features relative to the query's best candidate make any best candidate score high.
AUTO_LINK_THRESHOLD = 0.96
AUTO_LINK_MIN_COSINE = 0.65

EMBED_JOB = "matching.embed"  # the job kind (api/jobs/kinds/matching.py)

# Candidates pooled from each list (BM25, cosine) by a filtered query: the matcher's own 50
# first, then more while the filters leave fewer than asked for (a "reviewed only" query among
# many unreviewed near-copies of a claim). Each step costs about one more query's reading.
_FILTERED_CANDIDATES = (CANDIDATES, 4 * CANDIDATES, 16 * CANDIDATES)
# Claims read per query while embedding everything.
_BATCH = 500


def model_name() -> str:
    """The encoder that made stored vectors: its name and the start of its file's sha256."""
    return f"all-MiniLM-L6-v2-int8:{get_encoder().fingerprint[:16]}"


# ---------------------------------------------------------------------------------------------
# Writing


def _titles(ids: list[int]) -> dict[int, str | None]:
    """Title of the source of each claim's first appearance (lowest appearance id)."""
    first = (Appearance.select(Appearance.claim, fn.MIN(Appearance.id).alias("first"))
             .where(Appearance.claim.in_(ids)).group_by(Appearance.claim))
    rows = (Appearance.select(Appearance.claim, Source.title).join(Source)
            .where(Appearance.id.in_(first.select_from(first.c.first))).tuples())
    return {claim_id: title for claim_id, title in rows}


def indexed_texts(ids: list[int]) -> dict[int, str]:
    """What the matcher indexes for each existing claim among `ids`: source title + claim text."""
    titles = _titles(ids)
    return {pk: prepare_claim(text, titles.get(pk))
            for pk, text in Claim.select(Claim.id, Claim.text).where(Claim.id.in_(ids)).tuples()}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _maybe_stale(query):
    """Narrow a Claim query to claims whose stored data may be stale: none stored, another model,
    or the claim or a source it appears in changed after the data was computed (the exact test,
    the text's sha256, is made on these only)."""
    changed_source = (Appearance.select(Appearance.id).join(Source)
                      .where((Appearance.claim == Claim.id) & (Source.updated_at >= ClaimEmbedding.updated_at)))
    return (query.join(ClaimEmbedding, JOIN.LEFT_OUTER, on=(ClaimEmbedding.claim == Claim.id))
            .where(ClaimEmbedding.claim.is_null() | (ClaimEmbedding.model != model_name())
                   | (Claim.updated_at >= ClaimEmbedding.updated_at) | fn.EXISTS(changed_source)))


def stale_claim_ids(ids: Iterable[int] | None = None) -> list[int]:
    """The claims (among `ids`, else all) whose stored matching data is missing, made by another
    model, or computed from another text than their indexed text now: what embed_claims would do.
    Reads only the claims changed since their data was computed, so a sweep is cheap when little
    changed."""
    model, wanted = model_name(), None if ids is None else sorted(set(ids))
    stale, last = [], 0
    while True:
        query = _maybe_stale(Claim.select(Claim.id)).where(Claim.id > last).order_by(Claim.id).limit(_BATCH)
        if wanted is not None:
            query = query.where(Claim.id.in_(wanted))
        batch = [pk for pk, in query.tuples()]
        if not batch:
            return stale
        last = batch[-1]
        stored = {pk: (m, sha) for pk, m, sha in ClaimEmbedding.select(
            ClaimEmbedding.claim, ClaimEmbedding.model, ClaimEmbedding.text_sha256)
            .where(ClaimEmbedding.claim.in_(batch)).tuples()}
        texts = indexed_texts(batch)
        stale += [pk for pk in batch if stored.get(pk) != (model, _sha(texts[pk]))]


def embed_claims(ids: Iterable[int]) -> int:
    """Compute and store the matching data of the claims with these keys (unknown or deleted ones
    are skipped); returns how many rows were written. Encodes outside any transaction (about
    5-10 ms a claim on one core), then writes all rows and raises the generation in one
    transaction. For a job or a command, never a request."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    # Stamped before the texts are read: an edit made meanwhile is newer, so the claim stays stale.
    now = utcnow()
    texts = indexed_texts(ids)
    encoder, model = get_encoder(), model_name()
    order = sorted(texts)
    vectors = encoder.encode([texts[pk] for pk in order])
    rows = [{"claim": pk, "model": model, "text_sha256": _sha(texts[pk]),
             "vector": np.ascontiguousarray(vectors[i], dtype="<f4").tobytes(),
             "terms": " ".join(terms(texts[pk])), "updated_at": now} for i, pk in enumerate(order)]
    with database.atomic():
        existing = {pk for pk, in Claim.select(Claim.id).where(Claim.id.in_(order)).tuples()}
        rows = [row for row in rows if row["claim"] in existing]
        if rows:
            # Locks the counter's row until commit (PostgreSQL; SQLite has one writer at a time).
            MatchingState.update(generation=MatchingState.generation + 1).where(MatchingState.id == 1).execute()
            generation = _generation()
            ClaimEmbedding.delete().where(ClaimEmbedding.claim.in_([r["claim"] for r in rows])).execute()
            ClaimEmbedding.insert_many([{**row, "generation": generation} for row in rows]).execute()
    return len(rows)


def embed_stale(ids: Iterable[int] | None = None, *, progress=None) -> int:
    """Embed every stale claim (among `ids`, else all) in batches; returns how many. `progress`,
    if given, is called with (done, total) after each batch (the job's progress, the CLI's bar)."""
    stale = stale_claim_ids(ids)
    done = 0
    for start in range(0, len(stale), _BATCH):
        done += embed_claims(stale[start:start + _BATCH])
        if progress is not None:
            progress(min(start + _BATCH, len(stale)), len(stale))
    return done


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass
class _Built:
    generation: int  # every row written at or before this generation is in `matcher`
    matcher: Matcher | None  # None: nothing stored yet
    added: int = 0  # rows upserted since the full build
    mapped: int | None = None  # generation of the saved index file mapped, if one is


_build_lock = threading.Lock()
_built: dict[int, _Built] = {}  # id(database object) → the matcher built from it

# A matcher that took in more upserts than this share of its size is built again from scratch
# (the HNSW graph keeps removed nodes; deleted claims leave only at a full build).
_REBUILD_SHARE = 0.2


def _generation() -> int:
    row = MatchingState.select(MatchingState.generation).where(MatchingState.id == 1).tuples().first()
    return row[0] if row else 0


def _rows(after: int | None = None):
    """(ids, float32 vectors) of the stored rows of this model, by claim id; only those written
    after generation `after` when given."""
    query = (ClaimEmbedding.select(ClaimEmbedding.claim, ClaimEmbedding.vector)
             .where(ClaimEmbedding.model == model_name()).order_by(ClaimEmbedding.claim))
    if after is not None:
        query = query.where(ClaimEmbedding.generation > after)
    ids, vectors = [], []
    for pk, vector in query.tuples().iterator():
        ids.append(pk)
        vectors.append(bytes(vector))
    matrix = np.frombuffer(b"".join(vectors), dtype="<f4").reshape(len(ids), DIMENSIONS)
    return ids, matrix


class DatabasePostings:
    """The claims' BM25 terms as the bound database stores them (api.matching.lexical.Postings),
    by claim key. Every call is one query on the current connection; nothing is cached, so a
    row written by another process is seen at once."""

    def statistics(self, wanted) -> Statistics:
        """N and the total length from matching_state, df from matching_term (one query each)."""
        row = (MatchingState.select(MatchingState.documents, MatchingState.total_length)
               .where(MatchingState.id == 1).tuples().first()) or (0, 0)
        frequencies = dict(MatchingTerm.select(MatchingTerm.term, MatchingTerm.df)
                           .where(MatchingTerm.term.in_(sorted(wanted)) & (MatchingTerm.df > 0)).tuples()) if wanted else {}
        return Statistics(row[0], row[1], frequencies)

    def containing(self, terms, limit: int | None = None):
        """(claim key, terms) of the rows whose terms include any of `terms` (all, or the `limit`
        with the lowest claim keys), found through the full-text index in one query: FTS5 MATCH on
        SQLite, the GIN index on `lexemes @@ tsquery` on PostgreSQL. Each term is quoted, so it is
        looked up as a whole word whatever it spells (terms hold only word characters: no quote
        can occur in one)."""
        if not terms:
            return []
        limit_sql = "" if limit is None else f" LIMIT {int(limit)}"
        if is_postgres():
            query = " | ".join(f"'{term}'" for term in terms)
            cursor = database.execute_sql(
                "SELECT claim_id, terms FROM claim_embedding WHERE lexemes @@ %s::tsquery ORDER BY claim_id"
                + limit_sql, (query,))
        else:
            query = " OR ".join(f'"{term}"' for term in terms)
            cursor = database.execute_sql(
                "SELECT e.claim_id, e.terms FROM claim_embedding_fts f JOIN claim_embedding e ON e.claim_id = f.rowid "
                "WHERE claim_embedding_fts MATCH ? ORDER BY f.rowid" + limit_sql, (query,))
        return [(pk, words.split()) for pk, words in cursor]

    def terms_of(self, ids):
        """Terms of the rows of these claim keys (by primary key)."""
        return {pk: words.split() for pk, words in ClaimEmbedding.select(ClaimEmbedding.claim, ClaimEmbedding.terms)
                .where(ClaimEmbedding.claim.in_(list(ids))).tuples()}


def _build() -> _Built:
    """A Matcher for the stored vectors. With an index directory configured and an index saved
    there: that file, memory-mapped (milliseconds, pages shared by every process), plus the rows
    written since it was saved. Else every stored vector is read and the HNSW graph built: O(n)
    reads, O(n log n) for the graph (about 5 s for 14 k claims on an idle core). The lexical side
    needs no build: it is read from the database at each query."""
    generation = _generation()  # read first: rows committed meanwhile are read again later
    saved = _saved_indexes(generation)
    if saved:
        mapped, path = saved[-1]
        ids = np.load(_keys_path(path)).tolist()
        matcher = Matcher.from_stored(ids, VectorIndex.open(str(path)), DatabasePostings())
        return _refresh(_Built(mapped, matcher, mapped=mapped), generation)
    ids, vectors = _rows()
    return _Built(generation, Matcher.from_stored(ids, vectors, DatabasePostings()) if ids else None)


def _refresh(built: _Built, generation: int) -> _Built:
    """Bring `built` up to `generation`: the rows written since, upserted in place, or a full build
    when nothing was built yet or many rows changed. A mapped index is mapped again when a newer
    file was saved; until then rows written since go beside it (deleted claims stay in its graph
    and are dropped when candidates are read back from the claim table)."""
    if built.mapped is not None:
        saved = _saved_indexes(generation)
        if saved and saved[-1][0] > built.mapped:
            return _build()
    elif (built.matcher is None or built.added > _REBUILD_SHARE * built.matcher.size
            or ClaimEmbedding.select().count() < built.matcher.size):  # claims were deleted
        return _build()
    ids, vectors = _rows(after=built.generation)
    built.matcher.upsert(ids, vectors)
    return _Built(generation, built.matcher, built.added + len(ids), built.mapped)


# ---------------------------------------------------------------------------------------------
# The saved vector index (CLAIMTRACK_MATCHING_INDEX_DIR)

_index_dir: Path | None = None
# A new index is saved when the rows written since the newest saved one exceed this share of it.
SAVE_SHARE = 0.05


def configure(*, index_dir: str | None) -> None:
    """Where saved vector indexes live (one directory per database; None: none are saved, each
    process builds its own graph). Called by api.app.create_app from Config.matching_index_dir."""
    global _index_dir
    _index_dir = Path(index_dir) if index_dir else None


def _index_prefix() -> str:
    return f"vectors-{model_name().split(':')[-1]}-g"


def _keys_path(path: Path) -> Path:
    return path.with_suffix(".keys.npy")


def _saved_indexes(generation: int | None = None) -> list[tuple[int, Path]]:
    """(generation, path) of the saved indexes of this model, oldest first; only those saved at or
    before `generation` when given (a file from the future belongs to another database)."""
    if _index_dir is None or not _index_dir.is_dir():
        return []
    prefix, found = _index_prefix(), []
    for path in _index_dir.glob(f"{prefix}*.usearch"):
        number = path.name[len(prefix):-len(".usearch")]
        if number.isdigit() and _keys_path(path).is_file() and (generation is None or int(number) <= generation):
            found.append((int(number), path))
    return sorted(found)


def save_vector_index(*, threads: int = 1, force: bool = False) -> Path | None:
    """Build the HNSW graph of every stored vector of this model and save it in the index directory,
    with its claim keys, named by the generation read before the rows (rows written later are
    taken in by each process as a delta), then raise the generation so that every process maps
    it at its next query. Only when no index is saved yet, or the rows written
    since the newest exceed SAVE_SHARE of it, unless `force`. Older files but the previous one are
    removed (a process still mapping one keeps its pages). Returns the new file, or None when
    none was written (no directory configured, nothing stored, nothing to do). For a job or a
    command: the build takes minutes at 1 M claims."""
    if _index_dir is None:
        return None
    generation = _generation()
    saved = _saved_indexes()
    if saved and not force:
        newer = ClaimEmbedding.select().where(ClaimEmbedding.generation > saved[-1][0]).count()
        if newer <= SAVE_SHARE * len(np.load(_keys_path(saved[-1][1]), mmap_mode="r")):
            return None
    ids, vectors = _rows()
    if not ids:
        return None
    _index_dir.mkdir(parents=True, exist_ok=True)
    path = _index_dir / f"{_index_prefix()}{generation:012d}.usearch"
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    VectorIndex(vectors, threads=threads).save(str(partial))
    with open(_keys_path(partial), "wb") as out:  # np.save would add its own suffix
        np.save(out, np.asarray(ids, dtype=np.int64))
    os.replace(_keys_path(partial), _keys_path(path))  # keys first: an index is listed only with its keys
    os.replace(partial, path)
    for _, old in _saved_indexes()[:-2]:
        old.unlink(missing_ok=True)
        _keys_path(old).unlink(missing_ok=True)
    # Processes look for a newer file when the generation moves: move it.
    MatchingState.update(generation=MatchingState.generation + 1).where(MatchingState.id == 1).execute()
    return path


def current_matcher() -> Matcher | None:
    """This process's matcher for the bound database, brought up to date when rows were written
    since it was built (None while nothing is stored). One primary-key read when nothing changed.
    Threads of a process share it; one refreshes while the others wait."""
    key = id(database.obj)
    built = _built.get(key)
    if built is None or built.generation != _generation():
        with _build_lock:
            built = _built.get(key)
            generation = _generation()
            if built is None:
                built = _built[key] = _build()
            elif built.generation != generation:
                built = _built[key] = _refresh(built, generation)
    return built.matcher


@dataclass(frozen=True)
class ScoredClaim:
    """A stored claim and how likely (0..1) the query repeats it."""

    claim: ClaimDetails
    score: float


def _allowed(ids: list[int], filters: dict) -> dict[int, Claim]:
    """The existing claims among `ids` that pass the filters (status, origin, reviewed_only)."""
    query = Claim.select().where(Claim.id.in_(ids))
    for name in ("status", "origin"):
        if filters.get(name):
            query = query.where(getattr(Claim, name) == filters[name])
    if filters.get("reviewed_only"):
        query = query.where(Claim.status != UNREVIEWED)
    return {claim.id: claim for claim in query}


def match_text(text: str, *, limit: int = 10, filters: dict | None = None,
               exclude: Iterable[int] = ()) -> list[ScoredClaim]:
    """The stored claims `text` most likely repeats, best first (ties by claim id), at most `limit`,
    each with a score in 0..1 (api.matching.fusion), among those passing `filters` (`status`,
    `origin`, `reviewed_only`: a verdict recorded) and not in `exclude`. Filters apply to the
    matcher's pooled candidates (the best 50 by BM25 and the best 50 by cosine); while they leave
    fewer than `limit`, the pool grows to 200 and then 800 of each, so a narrow filter still
    finds the claims it allows further down. An empty or link-only text matches nothing."""
    matcher = current_matcher()
    if matcher is None:
        return []
    filters = {name: value for name, value in (filters or {}).items() if value}
    for candidates in _FILTERED_CANDIDATES if filters else (CANDIDATES,):
        found = matcher.match(text, limit=2 * candidates, exclude=set(exclude), candidates=candidates)
        allowed = _allowed([m.claim_id for m in found], filters)
        kept = [m for m in found if m.claim_id in allowed][:limit]
        if len(kept) >= limit or candidates >= matcher.size:
            break
    details = {d.claim.id: d for d in claim_details([allowed[m.claim_id] for m in kept])}
    return [ScoredClaim(details[m.claim_id], m.score) for m in kept]


def match_claim(pk: int, *, limit: int = 10, filters: dict | None = None) -> list[ScoredClaim]:
    """match_text for a stored claim's text, leaving the claim itself out; NotFound. The query is
    the claim's text alone: the title of the source it was found in (an article, a transcript)
    is usually not about the claim."""
    row = Claim.select(Claim.text).where(Claim.id == pk).tuples().first()
    if row is None:
        raise NotFound.of("claim", encode_id("claim", pk))
    return match_text(row[0], limit=limit, filters=filters, exclude=[pk])


def best_match(text: str, exclude: Iterable[int] = ()) -> tuple[int, float, float] | None:
    """(claim key, score, cosine) of the best stored match of `text` among existing claims, or None."""
    matcher = current_matcher()
    if matcher is None:
        return None
    for found in matcher.match(text, limit=2 * CANDIDATES, exclude=set(exclude)):
        if Claim.select().where(Claim.id == found.claim_id).exists():  # not deleted since
            return found.claim_id, found.score, found.cosine
    return None


def links_to(best: tuple[int, float, float] | None) -> bool:
    """Whether a best match is close enough for a new claim to be an appearance of it."""
    return best is not None and best[1] >= AUTO_LINK_THRESHOLD and best[2] >= AUTO_LINK_MIN_COSINE
