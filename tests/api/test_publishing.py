"""ClaimReview for publication, and source annotations for frontends."""
from __future__ import annotations

import pytest

from tests.support import missing_id, sample_text

SUMMIT = "the first summit between US and Russian leaders in four years"
TEXT_000 = sample_text("000_3e424eb520665100.txt")


@pytest.fixture
def reviewed(api, samples):
    """The summit claim, by Trump's outlet, corroborated with evidence from source 000."""
    claim = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": SUMMIT}]}).json
    verdict = api.post(f"/v1/claims/{claim['id']}/verdicts", json={
        "rating": "corroborated", "rationale": "The previous summit was Geneva, June 2021.",
        "evidence": [{"stance": "supports", "span": {"source": samples["000"]["id"],
                                                     "exact": "a momentous summit on American soil"}}]}).json
    return claim, verdict


def test_claimreview_has_every_field_googles_guidelines_require(api, samples, reviewed):
    claim, verdict = reviewed
    response = api.get(f"/v1/claims/{claim['id']}/claimreview")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    review = response.json
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == SUMMIT
    assert review["url"].endswith(f"/reviews/{claim['id']}") and review["@id"].endswith(f"/v1/claims/{claim['id']}/claimreview")
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    assert review["datePublished"] == verdict["created_at"]
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == "Corroborated"
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] == "2025-08-15"
    assert "author" not in item  # no claimant and no known outlet: left out, never invented
    assert item["appearance"][0]["headline"] == samples["001"]["title"]


def test_an_unreviewed_claim_has_no_claimreview(api, samples):
    claim = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": SUMMIT}]}).json
    response = api.get(f"/v1/claims/{claim['id']}/claimreview")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert api.get(f"/v1/claims/{missing_id('claim')}/claimreview").status_code == 404
    assert api.get("/v1/claimreviews").json["data"] == []


def test_claimreviews_lists_every_reviewed_claim(api, reviewed):
    claim, _ = reviewed
    data = api.get("/v1/claimreviews").json["data"]
    assert [r["claimReviewed"] for r in data] == [SUMMIT]


def test_annotations_give_every_span_in_a_source_sorted_with_its_entity(api, samples, reviewed, count_queries):
    putin = api.post("/v1/people", json={"name": "Vladimir Putin", "mentions": [
        {"source": samples["000"]["id"], "exact": "Vladimir Putin", "suffix": " hold a press conference"}]}).json
    api.post("/v1/events", json={"name": "Alaska summit", "mentions": [
        {"source": samples["000"]["id"], "exact": "the Anchorage summit"}]})
    claim = api.post("/v1/claims", json={"appearances": [{"source": samples["000"]["id"], "exact": "Audience-funded nonprofit news"}]}).json
    count_queries.queries.clear()
    response = api.get(f"/v1/sources/{samples['000']['id']}/annotations")
    assert response.status_code == 200
    assert len(count_queries.queries) <= 7
    data = response.json["data"]
    assert [a["start"] for a in data] == sorted(a["start"] for a in data)
    assert {a["kind"] for a in data} == {"claim", "person", "event", "evidence"}
    for annotation in data:
        assert TEXT_000[annotation["start"]:annotation["end"]] == annotation["exact"]
    by_kind = {a["kind"]: a for a in data}
    assert by_kind["person"]["entity"] == {"id": putin["id"], "name": "Vladimir Putin"}
    assert by_kind["claim"]["entity"]["status"] == "unreviewed" and by_kind["claim"]["entity"]["id"] == claim["id"]
    assert by_kind["evidence"]["entity"]["stance"] == "supports"
    assert by_kind["evidence"]["entity"]["claim"] == reviewed[0]["id"]


def test_annotations_read_again_unchanged_come_from_the_versions_alone(api, samples, count_queries):
    api.post("/v1/people", json={"name": "Vladimir Putin", "mentions": [
        {"source": samples["000"]["id"], "exact": "Vladimir Putin", "suffix": " hold a press conference"}]})
    path = f"/v1/sources/{samples['000']['id']}/annotations"
    first = api.get(path)
    count_queries.queries.clear()
    again = api.get(path)
    assert again.status_code == 200 and again.json == first.json
    # one statement: the appearances', mentions' and evidence's versions with the key's state
    # (api.auth, key_confirmed_by_read): no text, no build
    assert len(count_queries.queries) == 1
