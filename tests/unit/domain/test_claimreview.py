"""schema.org ClaimReview from plain data."""
from __future__ import annotations

from api.domain.claimreview import Appearance, Review, claim_review


def _review(**changes) -> Review:
    fields = dict(url="https://fc.example/v1/claims/clm_1/claimreview", claim_text="The summit was the first in four years",
                  claimant=None, rating="partly_corroborated", reviewed_on="2025-08-20",
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
