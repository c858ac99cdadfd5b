"""schema.org ClaimReview, as Google's fact-check guidelines ask for it. Pure: plain data in."""
from __future__ import annotations

from dataclasses import dataclass

from api.domain.verdicts import BEST_RATING, RATING_VALUES, WORST_RATING


@dataclass(frozen=True)
class Appearance:
    url: str | None
    headline: str | None
    publisher: str | None
    published_at: str | None


@dataclass(frozen=True)
class Review:
    url: str
    claim_text: str
    claimant: str | None
    rating: str
    reviewed_on: str  # YYYY-MM-DD
    organization: str
    organization_url: str | None
    appearances: list[Appearance]


def _organization(name: str | None, url: str | None = None) -> dict | None:
    if not name:
        return None
    return {"@type": "Organization", "name": name, **({"url": url} if url else {})}


def claim_review(review: Review) -> dict:
    first = review.appearances[0] if review.appearances else None
    # Who made the claim: the person quoted, else the outlet that published it.
    author = {"@type": "Person", "name": review.claimant} if review.claimant else \
        _organization(first.publisher if first else None) or {"@type": "Organization", "name": "unknown"}
    item = {"@type": "Claim", "author": author,
            "appearance": [
                {"@type": "CreativeWork", **{k: v for k, v in (("url", a.url), ("headline", a.headline)) if v},
                 **({"publisher": _organization(a.publisher)} if a.publisher else {})}
                for a in review.appearances]}
    if first and first.published_at:
        item["datePublished"] = first.published_at
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review.url,
        "claimReviewed": review.claim_text,
        "datePublished": review.reviewed_on,
        "author": _organization(review.organization, review.organization_url),
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_VALUES[review.rating],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": review.rating.replace("_", " ").capitalize(),
        },
    }
