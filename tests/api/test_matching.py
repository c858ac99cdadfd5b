"""POST /v1/claims/matches and GET /v1/claims/{id}/matches: the stored claims a text repeats."""
from __future__ import annotations

import pytest

from api.db import database
from api.services import matching
from tests.support import missing_id

# Fact-checks of our own (the claim-retrieval data set may not ship in fixtures): (title, claim).
CHECKS = [
    ("Did Lady Gaga say she eats Oreos every day?", "Lady Gaga said she eats Oreo cookies every single day."),
    ("Does the COVID-19 vaccine alter DNA?", "The COVID-19 vaccine alters the DNA of the people who get it."),
    ("Was the moon landing filmed in a studio?", "The 1969 moon landing was filmed in a Hollywood studio."),
    ("Do 5G towers spread viruses?", "5G mobile phone towers spread the coronavirus."),
    ("Is drinking bleach a cure?", "Drinking bleach cures the coronavirus infection."),
    ("Did the Eiffel Tower catch fire?", "The Eiffel Tower caught fire and collapsed in Paris."),
]
TWEET = ("BREAKING: the covid vaccine will change your DNA forever!! Don't take it #NoVaccine "
         "pic.twitter.com/abc123 — Jane Doe (@janedoe) March 3, 2021")


def store_check(api, title: str, text: str) -> str:
    source = api.post("/v1/sources", json={"kind": "other", "title": title, "text": text})
    assert source.status_code == 201, source.json
    claim = api.post("/v1/claims", json={"appearances": [{"source": source.json["id"], "start": 0, "end": len(text)}]})
    assert claim.status_code == 201, claim.json
    return claim.json["id"]


def embed_all() -> int:
    """What the embedding job does after claims are written."""
    with database.connection_context():
        return matching.embed_stale()


@pytest.fixture
def checks(api) -> list[str]:
    ids = [store_check(api, title, text) for title, text in CHECKS]
    assert embed_all() == len(CHECKS)
    return ids


def matches(api, body, role="reader", **kwargs):
    return api.post("/v1/claims/matches", json=body, role=role, **kwargs)


def test_a_tweet_finds_the_claim_it_repeats_first_shown_as_get_shows_it(api, checks):
    response = matches(api, {"text": TWEET})
    assert response.status_code == 200, response.json
    data = response.json["data"]
    assert data[0]["claim"]["id"] == checks[1]
    assert data[0]["claim"] == api.get(f"/v1/claims/{checks[1]}").json
    scores = [item["score"] for item in data]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert data[0]["score"] > data[1]["score"]


def test_limit_caps_the_answer_and_defaults_to_ten(api, checks):
    assert len(matches(api, {"text": "the coronavirus", "limit": 2}).json["data"]) == 2
    for i in range(6):
        store_check(api, f"Extra check {i}", f"Claim number {i} about the coronavirus and the vaccine.")
    embed_all()
    assert len(matches(api, {"text": "the coronavirus vaccine"}).json["data"]) == 10


def test_filters_keep_only_claims_of_that_status_origin_or_reviewed(api, checks):
    verdict = api.post(f"/v1/claims/{checks[4]}/verdicts", json={"rating": "unverifiable", "rationale": "No trial was found."})
    assert verdict.status_code == 201, verdict.json
    text = {"text": "bleach and 5G towers and the coronavirus"}
    reviewed = matches(api, {**text, "reviewed_only": True}).json["data"]
    assert [item["claim"]["id"] for item in reviewed] == [checks[4]]
    unverifiable = matches(api, {**text, "status": "unverifiable"}).json["data"]
    assert [item["claim"]["id"] for item in unverifiable] == [checks[4]]
    unreviewed = matches(api, {**text, "status": "unreviewed"}).json["data"]
    assert checks[4] not in [item["claim"]["id"] for item in unreviewed] and unreviewed
    assert matches(api, {**text, "origin": "extracted"}).json["data"] == []
    assert len(matches(api, {**text, "origin": "manual"}).json["data"]) == len(CHECKS)


def test_a_stored_claim_matches_the_others_leaving_itself_out(api, checks):
    repeat = store_check(api, "Our own story", "People who get the COVID vaccine have their DNA altered by it.")
    embed_all()
    response = api.get(f"/v1/claims/{repeat}/matches", role="reader")
    assert response.status_code == 200, response.json
    ids = [item["claim"]["id"] for item in response.json["data"]]
    assert ids[0] == checks[1]
    assert repeat not in ids
    limited = api.get(f"/v1/claims/{repeat}/matches?limit=3")
    assert len(limited.json["data"]) == 3, limited.json


def test_a_deleted_claim_is_never_matched_again(api, checks):
    assert api.delete(f"/v1/claims/{checks[1]}", role="admin").status_code == 204
    ids = [item["claim"]["id"] for item in matches(api, {"text": TWEET}).json["data"]]
    assert checks[1] not in ids


def test_a_deleted_claim_leaves_the_full_text_index_and_the_bm25_statistics(api, checks):
    """The lexical side is read from the database at each query: the delete's cascade takes the
    claim's terms out of the full-text index and its counts out of the statistics at once."""
    postings = matching.DatabasePostings()
    with database.connection_context():
        assert [pk for pk, _ in postings.containing(["eiffel"])] and postings.statistics({"eiffel"}).documents == 6
    assert api.delete(f"/v1/claims/{checks[5]}", role="admin").status_code == 204
    with database.connection_context():
        assert list(postings.containing(["eiffel"])) == []
        after = postings.statistics({"eiffel", "tower"})
    assert after.documents == 5 and after.frequencies == {"tower": 1}  # the 5G towers' claim


def test_a_word_only_one_claim_holds_finds_that_claim_first(api, checks):
    data = matches(api, {"text": "eiffel"}).json["data"]
    assert data[0]["claim"]["id"] == checks[5]


def test_an_edited_claim_is_matched_by_its_new_text_once_embedded_again(api, checks):
    changed = api.patch(f"/v1/claims/{checks[5]}", json={"text": "Kangaroos can jump over the Sydney Opera House."})
    assert changed.status_code == 200
    assert embed_all() == 1
    data = matches(api, {"text": "a kangaroo jumped over the opera house in Sydney"}).json["data"]
    assert data[0]["claim"]["id"] == checks[5]


def test_nothing_stored_matches_nothing(api):
    assert matches(api, {"text": TWEET}).json == {"data": []}


def test_a_text_of_only_a_link_matches_nothing(api, checks):
    assert matches(api, {"text": "https://t.co/abcdef"}).json == {"data": []}


@pytest.mark.parametrize("body, field", [
    ({"text": ""}, "text"),
    ({"text": "   "}, "text"),
    ({}, "text"),
    ({"text": "x" * 10_001}, "text"),
    ({"text": "vaccine", "limit": 0}, "limit"),
    ({"text": "vaccine", "limit": 51}, "limit"),
    ({"text": "vaccine", "limit": "5"}, "limit"),
    ({"text": "vaccine", "status": "bogus"}, "status"),
    ({"text": "vaccine", "origin": "bogus"}, "origin"),
    ({"text": "vaccine", "colour": "blue"}, "colour"),
])
def test_bad_input_is_a_422_naming_the_field(api, body, field):
    response = matches(api, body)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in str(response.json)


def test_a_ten_megabyte_text_is_refused_as_too_large(api):
    response = matches(api, {"text": "claim " * (10 * 1024 * 1024 // 6)})
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"


def test_a_bad_query_limit_on_a_stored_claim_is_a_422(api, checks):
    assert api.get(f"/v1/claims/{checks[0]}/matches?limit=51").status_code == 422
    assert api.get(f"/v1/claims/{checks[0]}/matches?colour=blue").status_code == 422


def test_an_unknown_claim_has_no_matches_but_a_404(api, checks):
    response = api.get(f"/v1/claims/{missing_id('claim')}/matches")
    assert response.status_code == 404


def test_matching_needs_a_key_but_only_the_reader_role(api, checks):
    assert matches(api, {"text": TWEET}, role=None).status_code == 401
    assert matches(api, {"text": TWEET}, role="reader").status_code == 200
    assert api.get(f"/v1/claims/{checks[0]}/matches", role="reader").status_code == 200
