"""schema.org ClaimReview from plain data."""
from __future__ import annotations

from api.domain.claimreview import Appearance, Review, claim_review, claim_url


def _review(**changes) -> Review:
    fields = dict(url="https://fc.example/reviews/clm_1", api_url="https://fc.example/v1/claims/clm_1/claimreview",
                  claim_text="The summit was the first in four years",
                  claimant=None, rating="partly_corroborated", reviewed_at="2025-08-20T09:30:00.000Z",
                  organization="Example Fact Check", organization_url="https://fc.example",
                  appearances=[Appearance("https://news.example/a", "Alaska summit", "News Example", "2025-08-15")])
    return Review(**{**fields, **changes})


def test_a_claim_review_rates_on_schema_orgs_five_point_scale():
    review = claim_review(_review())
    assert review["@type"] == "ClaimReview" and review["claimReviewed"] == "The summit was the first in four years"
    assert review["reviewRating"] == {"@type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1,
                                      "alternateName": "Partly corroborated"}
    assert review["author"] == {"@type": "Organization", "name": "Example Fact Check", "url": "https://fc.example"}
    assert review["itemReviewed"]["datePublished"] == "2025-08-15"


def test_the_claims_author_is_the_claimant_else_the_outlet():
    assert claim_review(_review(claimant="Marco Rubio"))["itemReviewed"]["author"] == {
        "@type": "Person", "name": "Marco Rubio"}
    assert claim_review(_review())["itemReviewed"]["author"] == {"@type": "Organization", "name": "News Example"}


def test_what_is_unknown_is_left_out_and_the_rationale_is_the_review_body():
    review = claim_review(_review(appearances=[Appearance(None, None, None, None)]))
    assert "author" not in review["itemReviewed"] and "datePublished" not in review["itemReviewed"]
    assert review["itemReviewed"]["appearance"] == [{"@type": "CreativeWork"}]
    assert "reviewBody" not in review
    assert claim_review(_review(rationale="Geneva, June 2021."))["reviewBody"] == "Geneva, June 2021."


def test_the_public_url_is_the_desks_article_else_claimtracks_review_page_and_id_the_api_resource():
    assert claim_url("https://desk.example/fc/{claim_id}", "https://fc.example", "clm_1") == "https://desk.example/fc/clm_1"
    assert claim_url(None, "https://fc.example", "clm_1") == "https://fc.example/reviews/clm_1"
    review = claim_review(_review())
    assert (review["url"], review["@id"]) == ("https://fc.example/reviews/clm_1",
                                              "https://fc.example/v1/claims/clm_1/claimreview")
    assert review["datePublished"] == "2025-08-20T09:30:00.000Z"
