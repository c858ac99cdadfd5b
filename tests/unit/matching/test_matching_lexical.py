"""BM25 over stemmed words (api.matching.lexical)."""
import numpy as np

from api.matching.lexical import LexicalIndex

DOCS = [
    "Cats hide in wheel wells",
    "Banks will close for a week",
    "A cat was running under the cars and hiding",
]


def test_terms_are_stemmed_lower_case_words_without_stop_words():
    assert LexicalIndex(DOCS).terms("The Cats are Running!") == ["cat", "run"]


def test_every_document_gets_a_non_negative_score():
    scores = LexicalIndex(DOCS).scores("cats hiding")
    assert scores.shape == (3,)
    assert (scores >= 0).all()


def test_documents_sharing_no_term_score_zero():
    scores = LexicalIndex(DOCS).scores("cats hiding")
    assert scores[1] == 0
    assert scores[0] > 0 and scores[2] > 0


def test_a_rarer_shared_term_weighs_more():
    index = LexicalIndex(DOCS)
    # "bank" occurs in one document, "cat" in two: the bank document wins a query naming both.
    assert int(np.argmax(index.scores("bank cat"))) == 1


def test_a_query_of_stop_words_or_unknown_words_scores_nothing():
    index = LexicalIndex(DOCS)
    assert not index.scores("the of and").any()
    assert not index.scores("zyzzyva").any()


def test_a_collection_without_any_term_scores_nothing():
    assert LexicalIndex([]).scores("cats").shape == (0,)
    assert not LexicalIndex(["A", "The"]).scores("cats the a").any()
