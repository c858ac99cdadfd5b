"""Hybrid retrieval: "has this claim been checked before?"

A query is prepared (api.matching.text), scored by BM25 against every claim's title + text
(api.matching.lexical), encoded and searched among the claims' vectors (api.matching.vectors);
the best CANDIDATES of each list are pooled, and each pooled claim gets a score in 0..1 from
the fusion model (api.matching.fusion). Matches come back best first.
"""
from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from api.matching.encoder import DIMENSIONS, SentenceEncoder, get_encoder
from api.matching.fusion import FEATURES, FusionModel, shipped_fusion
from api.matching.lexical import LexicalIndex
from api.matching.text import prepare_claim, prepare_query
from api.matching.vectors import VectorIndex

# Candidates taken from each list before fusion. On the claim-retrieval train split the
# answer is among the top 50 of one list for 99 % of queries (tools/MATCHING.md).
CANDIDATES = 50


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
    """Matches texts against a fixed collection of claims, built once (O(n) to build).

    `vectors` are the claims' unit vectors in `claims` order when already computed (e.g. stored
    by a job); else they are encoded here (about 10 ms per claim on one core).
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
        self.encoder = encoder or get_encoder()
        self._fusion = fusion
        self.candidates = candidates
        texts = [claim.indexed_text for claim in self.claims]
        if vectors is None:
            vectors = self.encoder.encode(texts)
        if len(vectors) != len(self.claims):
            raise ValueError(f"{len(vectors)} vectors for {len(self.claims)} claims")
        self.lexical = LexicalIndex(texts)
        self.vectors = VectorIndex(vectors)
        self.ids = [claim.id for claim in self.claims]
        self._position = {claim_id: i for i, claim_id in enumerate(self.ids)}

    @classmethod
    def from_stored(
        cls,
        ids: Sequence[Hashable],
        vectors: np.ndarray,
        terms: Sequence[Sequence[str]],
        *,
        encoder: SentenceEncoder | None = None,
        fusion: FusionModel | None = None,
        candidates: int = CANDIDATES,
        threads: int = 1,
    ) -> "Matcher":
        """A matcher over claims known only by id, each with its stored unit vector and its BM25
        terms (`Matcher.terms_of(claim)`), in the same order. It answers exactly as a matcher
        built from the claims' texts (the same terms and vectors go into the same indexes)."""
        if not (len(ids) == len(vectors) == len(terms)):
            raise ValueError(f"{len(ids)} ids, {len(vectors)} vectors, {len(terms)} term lists")
        self = cls.__new__(cls)
        self.claims = []
        self.encoder = encoder or get_encoder()
        self._fusion = fusion
        self.candidates = candidates
        self.lexical = LexicalIndex(terms=terms)
        self.vectors = VectorIndex(np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1)
                                   if len(ids) else np.zeros((0, DIMENSIONS), dtype=np.float32), threads=threads)
        self.ids = list(ids)
        self._terms = [list(t) for t in terms]
        self._position = {claim_id: i for i, claim_id in enumerate(self.ids)}
        return self

    def upsert(self, ids: Sequence[Hashable], vectors: np.ndarray, terms: Sequence[Sequence[str]]) -> None:
        """Add claims, or replace the stored vector and terms of claims already known, in a
        matcher made by `from_stored` (not thread-safe: build a copy or lock). The vectors change in
        place in the HNSW graph; BM25 is re-indexed from the terms kept in memory (about 0.1 s per
        10 k claims). Answers then equal those of a matcher built from scratch with the same rows,
        up to HNSW's approximation (exact at the sizes measured in tools/MATCHING.md)."""
        if not (len(ids) == len(vectors) == len(terms)):
            raise ValueError(f"{len(ids)} ids, {len(vectors)} vectors, {len(terms)} term lists")
        if not len(ids):
            return
        positions = []
        for claim_id, words in zip(ids, terms):
            position = self._position.get(claim_id)
            if position is None:
                position = self._position[claim_id] = len(self.ids)
                self.ids.append(claim_id)
                self._terms.append(list(words))
            else:
                self._terms[position] = list(words)
            positions.append(position)
        self.vectors.put(np.asarray(positions), np.asarray(vectors, dtype=np.float32))
        self.lexical = LexicalIndex(terms=self._terms)

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def fusion(self) -> FusionModel:
        """The fusion model given, else the shipped one (read once per process)."""
        if self._fusion is None:
            self._fusion = shipped_fusion()
        return self._fusion

    def candidate_features(self, text: str, exclude: Collection[str] = ()) -> Candidates:
        """Pooled candidates of `text` (the top `candidates` by BM25 and by cosine) with features.

        Claims whose ids are in `exclude` are treated as absent from the collection (a stored
        claim matched against the others; unknown ids are ignored)."""
        return self._candidates(prepare_query(text), exclude)

    def _candidates(self, prepared: str, exclude: Collection[str]) -> Candidates:
        bm25 = self.lexical.scores(prepared)
        excluded = np.array(sorted({self._position[i] for i in exclude if i in self._position}), dtype=np.int64)
        bm25[excluded] = 0.0
        k = min(self.candidates, self.size - len(excluded))
        # Claims sharing no term are no lexical candidates. Selecting among the others only gives
        # the same list (ties still by position) and keeps top_k off a mostly-zero array, where
        # np.partition degrades (92 ms against 4 ms at 1 M scores: bench/RESULTS.md, matching).
        positive = np.flatnonzero(bm25 > 0)
        by_bm25 = positive[top_k(bm25[positive], k)]
        query = self.encoder.encode([prepared])[0]
        by_cosine, _ = self.vectors.search(query, k + len(excluded))
        by_cosine = by_cosine[~np.isin(by_cosine, excluded)][:k]
        positions = np.unique(np.concatenate([by_bm25, by_cosine]))
        if not len(positions):
            return Candidates(positions, np.zeros((0, len(FEATURES))))
        cosine = self.vectors.cosines(query, positions).astype(np.float64)
        best_bm25 = float(bm25.max())
        lexical = bm25[positions].astype(np.float64)
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

    def match(self, text: str, limit: int = 10, exclude: Collection[str] = ()) -> list[Match]:
        """The `limit` claims `text` most likely repeats, best first (ties by collection order),
        each with a score in 0..1, leaving out the claims whose ids are in `exclude`. At most
        2 × `candidates` claims can come back. An empty or link-only text matches nothing ([])."""
        prepared = prepare_query(text)
        if limit <= 0 or not prepared:
            return []
        pooled = self._candidates(prepared, exclude)
        scores = self.fusion.score(pooled.features)
        order = np.lexsort((pooled.positions, -scores))[:limit]
        cosine = pooled.features[:, FEATURES.index("cosine")]
        return [Match(self.ids[pooled.positions[i]], float(scores[i]), float(cosine[i])) for i in order]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, best first, ties by position; O(n + k log k)."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < len(scores):
        # Everything scoring at least the k-th best, so ties at the cut are broken by position.
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        candidates = np.flatnonzero(scores >= kth)
    else:
        candidates = np.arange(len(scores))
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:k].astype(np.int64)


def _reciprocal_ranks(ranked: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """1 / (rank + 1) of each of `positions` in `ranked`, 0 where absent."""
    rank_of = {int(p): r for r, p in enumerate(ranked)}
    return np.array([1.0 / (rank_of[int(p)] + 1) if int(p) in rank_of else 0.0 for p in positions])
