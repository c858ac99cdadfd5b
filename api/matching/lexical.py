"""Lexical scorer: BM25 over stemmed words, with the postings kept elsewhere (a database's
full-text index, or memory).

Terms: lower-cased runs of two or more word characters, the 33 English stop words of Lucene's
`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET` dropped, the rest reduced with the Snowball English
stemmer (PyStemmer). These are the rules of bm25s' `tokenize(stopwords="en", stemmer=…)`, with
which the fusion model was trained: on the 14,231 claims and 1,195 tweets of claim-retrieval the
two give the same terms for every text (tools/MATCHING.md). On the claim-retrieval dev split
stemming lifts BM25 over title + claim from 0.846 to 0.899 MAP@5 (that data set's README).

Scores: Lucene's BM25 (k1 = 1.5, b = 0.75; Kamphuis et al., "Which BM25 do you mean?",
ECIR 2020): for each query term t (counted as often as it occurs in the query)
idf(t) · tf / (tf + k1 · (1 − b + b · length / average length)), with
idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)). N, the total length and each term's document
frequency come from a `Postings` (for the database: counters kept by triggers in the transaction
that writes the terms, api.services.matching), so two stores holding the same documents give the
same scores whatever their own ranking functions do.

Top k without scoring every document (`top_documents`): the documents holding the query's rarest
terms are read, as many terms as fit in a budget of rows counted by document frequency, and scored
whole from their stored terms. Each term adds less than its idf (times its count in the query) to
a score, so when the k-th best score read reaches the sum of the idfs of the terms left out, no
unread document could have entered the top k (the "max-score" bound of Turtle and Flood, "Query
evaluation: strategies and optimizations", IP&M 1995). Which documents are read depends only on
the statistics and the stored terms, never on the store.
"""
from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

K1, B = 1.5, 0.75

# bm25s' STOPWORDS_EN (MIT licence), itself Lucene's English stop set.
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then "
    "there these they this to was will with".split()
)
_WORD = re.compile(r"(?u)\b\w\w+\b")
# A term longer than this is not indexed (a pasted hash or base64 blob, never a word; PostgreSQL
# refuses lexemes over 2 KB and index rows over 2.7 KB).
MAX_TERM_CHARS = 64

_local = threading.local()  # PyStemmer's Stemmer is not safe to share between threads


def _stemmer():
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def terms(text: str) -> list[str]:
    """The terms BM25 counts in `text`, in order: 'The Cats are Running!' → ['cat', 'run'].
    Each is one or more word characters (letters, digits, '_'), at most MAX_TERM_CHARS long."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]
    return [t for t in _stemmer().stemWords(words) if len(t) <= MAX_TERM_CHARS]


@dataclass(frozen=True)
class Statistics:
    """What BM25 needs of the collection: documents, their total length in terms, and the number
    of documents containing each term asked about (absent terms: 0)."""

    documents: int
    total_length: int
    frequencies: Mapping[str, int] = field(default_factory=dict)

    def idf(self, term: str) -> float:
        df = self.frequencies.get(term, 0)
        return math.log(1.0 + (self.documents - df + 0.5) / (df + 0.5)) if df > 0 else 0.0


class Postings(Protocol):
    """Where the documents' terms live, by document id (ints or other orderable ids)."""

    def statistics(self, terms: Collection[str]) -> Statistics:
        """N, the total length, and the document frequency of each of `terms`."""

    def containing(self, terms: Sequence[str], limit: int | None = None) -> Iterable[tuple[Hashable, Sequence[str]]]:
        """(id, terms) of the documents whose terms include any of `terms`: all of them, or the
        `limit` with the lowest ids."""

    def terms_of(self, ids: Collection[Hashable]) -> Mapping[Hashable, Sequence[str]]:
        """The terms of the documents with these ids (unknown ids are left out)."""


class Scorer:
    """BM25 of one query against any document, given the collection's statistics."""

    def __init__(self, query_terms: Sequence[str], statistics: Statistics) -> None:
        counts = Counter(query_terms)
        self.statistics = statistics
        # Terms no document contains count for nothing.
        self.weights = {t: n * statistics.idf(t) for t, n in counts.items() if statistics.frequencies.get(t, 0) > 0}
        self.average_length = statistics.total_length / statistics.documents if statistics.documents else 0.0

    def score(self, document: Sequence[str]) -> float:
        """BM25 score (≥ 0) of a document given as its terms."""
        if not self.weights or not document:
            return 0.0
        norm = K1 * (1.0 - B + B * len(document) / self.average_length)
        counts = Counter(t for t in document if t in self.weights)
        return sum(self.weights[t] * tf / (tf + norm) for t, tf in counts.items())


def top_documents(postings: Postings, query_terms: Sequence[str], k: int,
                  exclude: Collection[Hashable] = (), budget: int | None = None,
                  ) -> tuple[list[tuple[Hashable, float]], Scorer]:
    """The `k` documents with the highest BM25 score for `query_terms` among those read, best
    first, ties by id, as (id, score), and the query's Scorer. Documents whose ids are in `exclude`
    are left out (they still count in the statistics).

    Which documents are read (`planned_terms`) is decided from the statistics alone, then they are
    read in one request to the postings: those holding any of the query's rarest terms, as many
    terms as fit in `budget` rows by document frequency (all of them without a budget). When the
    rarest term alone holds more, the `budget` documents holding it with the lowest ids. Within the
    budget the result is exactly the top k of scoring every document; beyond it, the top k of the
    documents holding the rarer terms, and still exact when the bound in the module docstring
    holds. Either way it depends only on the statistics and the stored terms, never on the store."""
    statistics = postings.statistics(set(query_terms))
    scorer = Scorer(query_terms, statistics)
    if k <= 0 or not scorer.weights:
        return [], scorer
    planned, limit = planned_terms(scorer, budget)
    # Every document `containing` returns holds a planned term (its contract), so all score above 0.
    scores = {doc_id: scorer.score(document) for doc_id, document in postings.containing(planned, limit)
              if doc_id not in exclude}
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
    return ranked, scorer


def planned_terms(scorer: Scorer, budget: int | None) -> tuple[list[str], int | None]:
    """The query's terms to read, rarest first (ties by term), and the row limit: as many as fit in
    `budget` documents by frequency, at least the rarest, whose documents are then limited to
    `budget` when it alone holds more (else no limit)."""
    order = sorted(scorer.weights, key=lambda t: (-scorer.weights[t], t))
    frequencies = scorer.statistics.frequencies
    if budget is None:
        return order, None
    if frequencies[order[0]] > budget:
        return order[:1], budget
    planned, total = [], 0
    for term in order:
        total += frequencies[term]
        if total > budget:
            break
        planned.append(term)
    return planned, None


class MemoryPostings:
    """Postings held in memory, documents by position 0..n-1 (the retrieval core's own index for a
    Matcher built from texts, the evaluation tools and tests)."""

    def __init__(self, documents: Sequence[Sequence[str]] = ()) -> None:
        self.documents: list[list[str]] = []
        self._postings: dict[str, set[int]] = {}
        self._total = 0
        for document in documents:
            self.put(len(self.documents), document)

    def put(self, position: int, document: Sequence[str]) -> None:
        """Store `document` (its terms) at `position`, replacing what was there; a new position
        must be the next one (len(documents))."""
        document = list(document)
        if position < len(self.documents):
            old = self.documents[position]
            self._total -= len(old)
            for term in set(old):
                self._postings[term].discard(position)
            self.documents[position] = document
        elif position == len(self.documents):
            self.documents.append(document)
        else:
            raise ValueError(f"position {position} after {len(self.documents)} documents")
        self._total += len(document)
        for term in set(document):
            self._postings.setdefault(term, set()).add(position)

    def statistics(self, terms: Collection[str]) -> Statistics:
        return Statistics(len(self.documents), self._total,
                          {t: len(self._postings.get(t, ())) for t in terms})

    def containing(self, terms: Sequence[str], limit: int | None = None) -> Iterable[tuple[int, Sequence[str]]]:
        found = set().union(*(self._postings.get(term, ()) for term in terms))
        return [(p, self.documents[p]) for p in sorted(found)[:limit]]

    def terms_of(self, ids: Collection[int]) -> Mapping[int, Sequence[str]]:
        return {p: self.documents[p] for p in ids if 0 <= p < len(self.documents)}
