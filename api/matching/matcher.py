"""Hybrid retrieval: "has this claim been checked before?"

A query is prepared (api.matching.text), scored by BM25 against the claims holding its rarer
terms (api.matching.lexical; the postings in memory or in the database's full-text index),
encoded and searched among the claims' vectors (api.matching.vectors);
the best CANDIDATES of each list are pooled, and each pooled claim gets a score in 0..1 from
the fusion model (api.matching.fusion). Matches come back best first.
"""
from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from api.matching.encoder import DIMENSIONS, SentenceEncoder, get_encoder
from api.matching.fusion import FEATURES, FusionModel, shipped_fusion
from api.matching.lexical import MemoryPostings, Postings, terms, top_documents
from api.matching.text import prepare_claim, prepare_query
from api.matching.vectors import VectorIndex

# Candidates taken from each list before fusion. On the claim-retrieval train split the
# answer is among the top 50 of one list for 99 % of queries (tools/MATCHING.md).
CANDIDATES = 50
# Rows the lexical side may read per query (api.matching.lexical.top_documents' budget): the
# documents holding the query's rarer terms, at most this many by document frequency. Chosen on the
# claim-retrieval TRAIN split through the database (tools/MATCHING.md): MAP@5 0.8961 unlimited,
# 0.8962 at 1,000, 0.8960 at 500, 0.8971 at 200; 500 keeps a margin. It bounds a query's reads at
# any collection size.
LEXICAL_BUDGET = 500


@dataclass(frozen=True)
class Claim:
    """A known claim: its id, its checkable text and the title of its fact-check (if any)."""

    id: str
    text: str
    title: str | None = None

    @property
    def indexed_text(self) -> str:
        return prepare_claim(self.text, self.title)


@dataclass(frozen=True)
class Match:
    claim_id: str
    score: float  # 0..1, the fusion model's probability that the query repeats this claim
    cosine: float | None = None  # of the query's and the claim's vectors (an absolute signal)


@dataclass(frozen=True)
class Candidates:
    """The pooled candidates of one query: claim positions and their FEATURES rows."""

    positions: np.ndarray  # int64, (n,)
    features: np.ndarray  # float64, (n, len(FEATURES))


class Matcher:
    """Matches texts against a collection of claims.

    Built from claims (`Matcher(claims)`: terms and vectors computed here, postings in memory) or
    from stored data (`from_stored`: vectors given, postings read from wherever the terms are
    stored, e.g. the database's full-text index). `vectors` are the claims' unit vectors in
    `claims` order when already computed; else they are encoded here (about 5-10 ms per claim on
    one core).
    """

    def __init__(
        self,
        claims: Sequence[Claim],
        *,
        vectors: np.ndarray | None = None,
        encoder: SentenceEncoder | None = None,
        fusion: FusionModel | None = None,
        candidates: int = CANDIDATES,
    ) -> None:
        self.claims = list(claims)
        texts = [claim.indexed_text for claim in self.claims]
        encoder = encoder or get_encoder()
        if vectors is None:
            vectors = encoder.encode(texts)
        if len(vectors) != len(self.claims):
            raise ValueError(f"{len(vectors)} vectors for {len(self.claims)} claims")
        # In-memory postings are keyed by position; claim ids are mapped to positions.
        self._setup(list(range(len(self.claims))), vectors, MemoryPostings([terms(t) for t in texts]),
                    encoder=encoder, fusion=fusion, candidates=candidates, threads=1)
        self.ids = [claim.id for claim in self.claims]
        self._by_key = False
        self._key_of_id = {claim_id: i for i, claim_id in enumerate(self.ids)}

    @classmethod
    def from_stored(
        cls,
        ids: Sequence[Hashable],
        vectors: np.ndarray | VectorIndex,
        postings: Postings,
        *,
        encoder: SentenceEncoder | None = None,
        fusion: FusionModel | None = None,
        candidates: int = CANDIDATES,
        threads: int = 1,
    ) -> "Matcher":
        """A matcher over claims known by id (orderable: ties in BM25 go to the lower id), each
        with its stored unit vector, in the same order (or a VectorIndex holding them at positions
        0..n-1, e.g. one saved and mapped); `postings` gives the claims' BM25 terms by the same ids. It answers exactly as a matcher built from the claims' texts (the same terms
        and vectors, the same scores; tests/unit/matching)."""
        count = vectors.size if isinstance(vectors, VectorIndex) else len(vectors)
        if len(ids) != count:
            raise ValueError(f"{len(ids)} ids, {count} vectors")
        self = cls.__new__(cls)
        self.claims = []
        self._setup(list(ids), vectors, postings, encoder=encoder or get_encoder(), fusion=fusion,
                    candidates=candidates, threads=threads)
        self.ids = list(ids)
        self._by_key = True
        return self

    def _setup(self, keys, vectors, postings, *, encoder, fusion, candidates, threads) -> None:
        self.encoder = encoder
        self._fusion = fusion
        self.candidates = candidates
        self.lexical_budget = LEXICAL_BUDGET
        self.postings = postings
        if isinstance(vectors, VectorIndex):
            self.vectors = vectors
        else:
            matrix = (np.asarray(vectors, dtype=np.float32).reshape(len(keys), -1) if len(keys)
                      else np.zeros((0, DIMENSIONS), dtype=np.float32))
            self.vectors = VectorIndex(matrix, threads=threads)
        # Postings' key (claim id for stored data, position for claims) → vector position.
        self._position = {key: i for i, key in enumerate(keys)}

    def upsert(self, ids: Sequence[Hashable], vectors: np.ndarray) -> None:
        """Add claims, or replace the vectors of claims already known, in a matcher made by
        `from_stored` (not thread-safe: build a copy or lock); their terms are the postings'
        business. The vectors change in place in the HNSW graph. Answers then equal those of a
        matcher built from scratch with the same rows, up to HNSW's approximation (exact at the
        sizes measured in tools/MATCHING.md)."""
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids, {len(vectors)} vectors")
        if not len(ids):
            return
        positions = []
        for claim_id in ids:
            position = self._position.get(claim_id)
            if position is None:
                position = self._position[claim_id] = len(self.ids)
                self.ids.append(claim_id)
            positions.append(position)
        self.vectors.put(np.asarray(positions), np.asarray(vectors, dtype=np.float32))

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def fusion(self) -> FusionModel:
        """The fusion model given, else the shipped one (read once per process)."""
        if self._fusion is None:
            self._fusion = shipped_fusion()
        return self._fusion

    def _keys(self, claim_ids: Collection[Hashable]) -> set:
        """Postings keys of these claim ids (unknown ids are ignored)."""
        if self._by_key:
            return set(claim_ids)
        return {self._key_of_id[i] for i in claim_ids if i in self._key_of_id}

    def lexical(self, prepared: str, k: int, exclude: Collection[Hashable] = ()) -> list[tuple[Hashable, float]]:
        """The top `k` claim ids by BM25 for a prepared query, best first, with their scores."""
        ranked, _ = top_documents(self.postings, terms(prepared), k, self._keys(exclude), self.lexical_budget)
        return [(self.ids[self._position[key]], score) for key, score in ranked if key in self._position]

    def candidate_features(self, text: str, exclude: Collection[str] = ()) -> Candidates:
        """Pooled candidates of `text` (the top `candidates` by BM25 and by cosine) with features.

        Claims whose ids are in `exclude` are treated as absent from the collection (a stored
        claim matched against the others; unknown ids are ignored)."""
        return self._candidates(prepare_query(text), exclude)

    def _candidates(self, prepared: str, exclude: Collection[str], candidates: int | None = None) -> Candidates:
        excluded_keys = self._keys(exclude)
        excluded = np.array(sorted(self._position[key] for key in excluded_keys if key in self._position),
                            dtype=np.int64)
        k = min(candidates or self.candidates, self.size - len(excluded))
        ranked, scorer = top_documents(self.postings, terms(prepared), k, excluded_keys, self.lexical_budget)
        # A document the postings know but this matcher has no vector for (written after the
        # matcher's generation was read) waits for the next refresh.
        ranked = [(key, score) for key, score in ranked if key in self._position]
        by_bm25 = np.array([self._position[key] for key, _ in ranked], dtype=np.int64)
        query = self.encoder.encode([prepared])[0]
        by_cosine, _ = self.vectors.search(query, k + len(excluded))
        by_cosine = by_cosine[~np.isin(by_cosine, excluded)][:k]
        positions = np.unique(np.concatenate([by_bm25, by_cosine]))
        if not len(positions):
            return Candidates(positions, np.zeros((0, len(FEATURES))))
        cosine = self.vectors.cosines(query, positions).astype(np.float64)
        # BM25 of every pooled claim: known for the lexical candidates, read for the others.
        bm25 = {self._position[key]: score for key, score in ranked}
        keys = self._keys_at(positions)
        missing = [keys[p] for p in positions.tolist() if p not in bm25]
        if missing and scorer.weights:
            for key, document in self.postings.terms_of(missing).items():
                bm25[self._position[key]] = scorer.score(document)
        lexical = np.array([bm25.get(p, 0.0) for p in positions.tolist()], dtype=np.float64)
        best_bm25 = ranked[0][1] if ranked else 0.0
        bm25_rr = _reciprocal_ranks(by_bm25, positions)
        cosine_rr = _reciprocal_ranks(by_cosine, positions)
        columns = {
            "bm25": lexical / best_bm25 if best_bm25 > 0 else lexical,
            "bm25_log": np.log1p(lexical),
            "cosine": cosine,
            "cosine_gap": cosine - cosine.max(),
            "bm25_rr": bm25_rr,
            "cosine_rr": cosine_rr,
        }
        return Candidates(positions, np.column_stack([columns[name] for name in FEATURES]))

    def _keys_at(self, positions: np.ndarray) -> dict[int, Hashable]:
        """Postings key of each vector position."""
        if self._by_key:
            return {int(p): self.ids[int(p)] for p in positions}
        return {int(p): int(p) for p in positions}

    def match(self, text: str, limit: int = 10, exclude: Collection[str] = (),
              candidates: int | None = None) -> list[Match]:
        """The `limit` claims `text` most likely repeats, best first (ties by collection order),
        each with a score in 0..1, leaving out the claims whose ids are in `exclude`. At most
        2 × `candidates` claims can come back (the matcher's own number unless given: a caller
        that filters the answer asks for more). Pooling more candidates adds claims below the
        others without changing the scores of those a smaller pool holds (every feature is taken
        against the best of each list, which any pool holds). An empty or link-only text
        matches nothing ([])."""
        prepared = prepare_query(text)
        if limit <= 0 or not prepared:
            return []
        pooled = self._candidates(prepared, exclude, candidates)
        scores = self.fusion.score(pooled.features)
        order = np.lexsort((pooled.positions, -scores))[:limit]
        cosine = pooled.features[:, FEATURES.index("cosine")]
        return [Match(self.ids[pooled.positions[i]], float(scores[i]), float(cosine[i])) for i in order]


def _reciprocal_ranks(ranked: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """1 / (rank + 1) of each of `positions` in `ranked`, 0 where absent."""
    rank_of = {int(p): r for r, p in enumerate(ranked)}
    return np.array([1.0 / (rank_of[int(p)] + 1) if int(p) in rank_of else 0.0 for p in positions])
