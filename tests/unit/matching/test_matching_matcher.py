"""Hybrid retrieval over a small collection of our own claims (api.matching.Matcher)."""
import numpy as np
import pytest

from api.matching import Claim, Matcher
from api.matching.lexical import MemoryPostings, Statistics, terms

CLAIMS = [
    Claim("c-cats", "Cats are injured after seeking warmth in the wheel wells of cars.", "Bang or honk to save cats?"),
    Claim("c-bank", "Bank of America will close all branches for one week.", "Bank holiday"),
    Claim("c-oreo", "Lady Gaga released limited-edition Oreo cookies.", "Lady Gaga Oreos"),
    Claim("c-summit", "The Anchorage meeting was the first US-Russia summit in four years.", None),
    Claim("c-stamps", "Alabama Republicans want to deny food stamps to people who own a car.", "Food stamps and cars"),
]


class KeyedPostings:
    """Postings by claim id, as the database keeps them (by claim key)."""

    def __init__(self, documents):
        self.documents = documents

    def statistics(self, wanted):
        return Statistics(len(self.documents), sum(map(len, self.documents.values())),
                          {t: sum(t in d for d in self.documents.values()) for t in wanted})

    def containing(self, terms, limit=None):
        return sorted((key, d) for key, d in self.documents.items() if set(terms) & set(d))[:limit]

    def terms_of(self, ids):
        return {key: self.documents[key] for key in ids if key in self.documents}


@pytest.fixture(scope="module")
def matcher():
    return Matcher(CLAIMS)


def test_a_paraphrase_finds_its_claim_first(matcher):
    matches = matcher.match("In Alabama you won't be able to own a car & get food stamps. https://t.co/x", limit=3)
    assert matches[0].claim_id == "c-stamps"


def test_a_tweet_with_its_trailer_finds_its_claim_first(matcher):
    tweet = "Please honk before you start your car, kittens sleep under the hood — Vet (@vet) January 2, 2020"
    assert matcher.match(tweet)[0].claim_id == "c-cats"


def test_scores_are_in_0_1_best_first(matcher):
    matches = matcher.match("Lady Gaga has her own Oreo cookies now", limit=5)
    scores = [m.score for m in matches]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert matches[0].claim_id == "c-oreo"


def test_the_right_claim_scores_far_above_an_unrelated_one(matcher):
    matches = {m.claim_id: m.score for m in matcher.match("Bank of America closes every branch for a week", limit=5)}
    assert matches["c-bank"] > 0.5 > matches["c-oreo"]


def test_limit_caps_the_number_of_matches(matcher):
    assert len(matcher.match("cats and cars", limit=2)) == 2
    assert matcher.match("cats and cars", limit=0) == []


def test_a_query_with_nothing_to_match_matches_nothing(matcher):
    assert matcher.match("") == []
    assert matcher.match("https://t.co/abc pic.twitter.com/x") == []


def test_precomputed_vectors_give_the_same_answer(matcher):
    vectors = matcher.encoder.encode([claim.indexed_text for claim in CLAIMS])
    again = Matcher(CLAIMS, vectors=vectors)
    query = "Bank of America will shut down for a week"
    assert again.match(query) == matcher.match(query)


def test_vectors_must_match_the_claims_one_for_one():
    with pytest.raises(ValueError, match="4 vectors for 5 claims"):
        Matcher(CLAIMS, vectors=np.zeros((4, 384), dtype=np.float32))


def test_candidates_come_with_one_feature_row_each(matcher):
    pooled = matcher.candidate_features("Anchorage summit between US and Russia")
    assert pooled.features.shape == (len(pooled.positions), len(matcher.fusion.features))
    assert 3 in pooled.positions.tolist()


def test_excluded_claims_are_left_out_as_if_absent(matcher):
    query = "Bank of America will shut down for a week"
    matches = matcher.match(query, limit=5, exclude={"c-bank", "no-such-claim"})
    assert "c-bank" not in [m.claim_id for m in matches]
    assert len(matches) == 4


def test_an_empty_collection_matches_nothing():
    assert Matcher([]).match("Bank of America will shut down for a week") == []


def test_a_matcher_from_stored_vectors_and_terms_answers_as_one_built_from_the_texts(matcher):
    """What api.services.matching stores per claim (unit vector, BM25 terms) is all a matcher needs."""
    texts = [claim.indexed_text for claim in CLAIMS]
    ids = [claim.id for claim in CLAIMS]
    postings = KeyedPostings(dict(zip(ids, [terms(text) for text in texts])))
    stored = Matcher.from_stored(ids, matcher.encoder.encode(texts), postings)
    for query in ("Gaga oreo cookies", "food stamps if you own a car", "honk for cats", "summit in Anchorage"):
        assert stored.match(query, limit=5) == matcher.match(query, limit=5)
        assert stored.match(query, exclude=["c-oreo"]) == matcher.match(query, exclude=["c-oreo"])


def test_a_matcher_from_nothing_stored_matches_nothing():
    assert Matcher.from_stored([], np.zeros((0, 384), dtype=np.float32), MemoryPostings()).match("anything") == []


def test_stored_ids_and_vectors_must_line_up():
    with pytest.raises(ValueError):
        Matcher.from_stored(["a", "b"], np.zeros((1, 384), dtype=np.float32), MemoryPostings([["x"], ["y"]]))
