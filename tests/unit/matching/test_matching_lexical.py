"""BM25 over stemmed words with the postings elsewhere (api.matching.lexical)."""
import math
import random

import pytest

from api.matching.lexical import B, K1, MAX_TERM_CHARS, MemoryPostings, Scorer, Statistics, terms, top_documents

DOCS = [terms(text) for text in (
    "Cats hide in wheel wells",
    "Banks will close for a week",
    "A cat was running under the cars and hiding",
)]


def test_terms_are_stemmed_lower_case_words_without_stop_words():
    assert terms("The Cats are Running!") == ["cat", "run"]


def test_terms_keep_digits_and_underscores_and_drop_one_letter_words():
    assert terms("COVID_19 in 2020: a b c") == ["covid_19", "2020"]


def test_a_term_longer_than_the_limit_is_not_a_term():
    assert terms("x" * (MAX_TERM_CHARS + 1) + " cats") == ["cat"]


def test_the_score_is_lucene_bm25_from_the_statistics():
    postings = MemoryPostings(DOCS)
    scorer = Scorer(["cat"], postings.statistics({"cat"}))
    n, df, average = 3, 2, sum(map(len, DOCS)) / 3
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    expected = idf * 1 / (1 + K1 * (1 - B + B * len(DOCS[0]) / average))
    assert scorer.score(DOCS[0]) == pytest.approx(expected, rel=1e-12)


def test_documents_sharing_no_term_score_zero_and_others_more():
    postings = MemoryPostings(DOCS)
    scorer = Scorer(terms("cats hiding"), postings.statistics(set(terms("cats hiding"))))
    assert scorer.score(DOCS[1]) == 0
    assert scorer.score(DOCS[0]) > 0 and scorer.score(DOCS[2]) > 0


def test_a_rarer_shared_term_weighs_more():
    # "bank" occurs in one document, "cat" in two: the bank document wins a query naming both.
    ranked, _ = top_documents(MemoryPostings(DOCS), terms("bank cat"), 1)
    assert ranked[0][0] == 1


def test_a_query_of_stop_words_or_unknown_words_finds_nothing():
    assert top_documents(MemoryPostings(DOCS), terms("the of and"), 5)[0] == []
    assert top_documents(MemoryPostings(DOCS), terms("zyzzyva"), 5)[0] == []
    assert top_documents(MemoryPostings([]), terms("cats"), 5)[0] == []


def test_excluded_documents_are_left_out_but_still_count_in_the_statistics():
    postings = MemoryPostings(DOCS)
    ranked, scorer = top_documents(postings, ["cat"], 5, exclude={0})
    assert [doc for doc, _ in ranked] == [2]
    assert scorer.statistics.frequencies["cat"] == 2


def _random_collection(rng, size, vocabulary):
    words = [f"w{i}" for i in range(vocabulary)]
    # Zipf-like: a few common words, many rare ones.
    weights = [1 / (i + 1) for i in range(vocabulary)]
    return [rng.choices(words, weights, k=rng.randint(0, 12)) for _ in range(size)]


@pytest.mark.parametrize("seed", range(20))
def test_the_top_k_equals_scoring_every_document(seed):
    rng = random.Random(seed)
    documents = _random_collection(rng, rng.randint(1, 300), 60)
    postings = MemoryPostings(documents)
    query = rng.choices([f"w{i}" for i in range(70)], k=rng.randint(1, 8))
    k = rng.randint(1, 20)
    exclude = set(rng.sample(range(len(documents)), min(3, len(documents))))
    ranked, scorer = top_documents(postings, query, k, exclude)
    everything = sorted(((i, scorer.score(d)) for i, d in enumerate(documents) if i not in exclude),
                        key=lambda item: (-item[1], item[0]))
    assert ranked == [item for item in everything if item[1] > 0][:k]


class CountingPostings(MemoryPostings):
    def __init__(self, documents):
        super().__init__(documents)
        self.read = self.requests = 0

    def containing(self, terms, limit=None):
        found = super().containing(terms, limit)
        self.read += len(found)
        self.requests += 1
        return found


def test_the_documents_are_read_in_one_request_to_the_postings():
    postings = CountingPostings([["a1", "b1"], ["b1", "c1"], ["c1"], ["d1"]])
    ranked, _ = top_documents(postings, ["a1", "b1", "c1"], 10)
    assert postings.requests == 1 and postings.read == 3
    assert sorted(doc for doc, _ in ranked) == [0, 1, 2]


def test_a_budget_leaves_out_a_term_that_would_read_too_many_documents():
    # "rare" is in 5 documents, "common" in all 300: with a budget of 100 only the 5 are read,
    # and the top 10 is the best of those.
    documents = [["common", "rare"] if i % 60 == 0 else ["common"] * (1 + i % 3) for i in range(300)]
    postings = CountingPostings(documents)
    ranked, _ = top_documents(postings, ["rare", "common"], 10, budget=100)
    assert sorted(doc for doc, _ in ranked) == [0, 60, 120, 180, 240] and postings.read == 5
    assert len(top_documents(MemoryPostings(documents), ["rare", "common"], 10)[0]) == 10  # no budget: all read


def test_a_rarest_term_over_the_budget_is_read_for_its_lowest_ids_only():
    documents = [["common"] for _ in range(50)]
    ranked, _ = top_documents(MemoryPostings(documents), ["common"], 10, budget=20)
    assert [doc for doc, _ in ranked] == list(range(10))
    postings = CountingPostings(documents)
    top_documents(postings, ["common"], 10, budget=20)
    assert postings.read == 20


@pytest.mark.parametrize("seed", range(10))
def test_within_a_budget_the_top_k_is_the_best_of_the_documents_holding_the_rarest_terms(seed):
    rng = random.Random(seed)
    documents = _random_collection(rng, 300, 40)
    postings = MemoryPostings(documents)
    query = rng.choices([f"w{i}" for i in range(40)], k=6)
    ranked, scorer = top_documents(postings, query, 10, budget=60)
    df = {t: sum(t in d for d in documents) for t in set(query)}
    by_rarity = sorted((t for t in df if df[t]), key=lambda t: (-scorer.weights[t], t))
    read, planned = set(), 0
    for n, term in enumerate(by_rarity):
        planned += df[term]
        if planned > 60:
            if n == 0:  # the rarest alone is over the budget: its 60 lowest ids
                read = {p for p, d in enumerate(documents) if term in d}
                read = set(sorted(read)[:60])
            break
        read |= {p for p, d in enumerate(documents) if term in d}
    best = sorted(((p, scorer.score(documents[p])) for p in read), key=lambda item: (-item[1], item[0]))[:10]
    assert ranked == best


def test_replacing_a_document_updates_the_statistics():
    postings = MemoryPostings(DOCS)
    postings.put(1, ["cat"])
    assert postings.statistics({"cat", "bank"}) == Statistics(
        3, len(DOCS[0]) + 1 + len(DOCS[2]), {"cat": 3, "bank": 0})
    with pytest.raises(ValueError):
        postings.put(5, ["cat"])
