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
    url: str  # a page the public can open: the desk's article, or claimtrack's public review page
    api_url: str  # the authenticated API resource, given as @id
    claim_text: str  # the claim's own text, never the sentence it was extracted from
    claimant: str | None
    rating: str
    reviewed_at: str  # RFC 3339 (an instant: a date alone would move with the reader's time zone)
    organization: str
    organization_url: str | None
    appearances: list[Appearance]
    rationale: str | None = None  # the verdict's rationale, published as reviewBody
    # An imported review republished as its desk published it (api.services.claimreview_imports):
    rating_label: str | None = None  # the desk's own label, as alternateName
    license: str | None = None  # sdLicense
    claimant_name: str | None = None  # the claimant as named, when no stored person
    claimant_type: str = "Person"  # schema.org type of claimant_name: Person or Organization
    headline: str | None = None
    scale: tuple[float, float, float] | None = None  # the desk's (ratingValue, bestRating, worstRating)
    language: str | None = None  # inLanguage


def _organization(name: str | None, url: str | None = None) -> dict | None:
    if not name:
        return None
    return {"@type": "Organization", "name": name, **({"url": url} if url else {})}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def claim_url(template: str | None, base_url: str, claim_id: str) -> str:
    """ClaimReview `url`: the template with {claim_id} filled in (the desk's own article), or
    claimtrack's public read-only review page."""
    return template.format(claim_id=claim_id) if template else f"{base_url}/reviews/{claim_id}"


def claim_review(review: Review) -> dict:
    """schema.org ClaimReview (https://schema.org/ClaimReview). What is not known is left out
    (schema.org allows every property to be missing), never invented. Dates as stored: a
    source's publication date or time with the outlet's own offset; the review's time in UTC."""
    first = review.appearances[0] if review.appearances else None
    # Who made the claim: the person quoted, else the outlet that published it, else nobody.
    author = {"@type": "Person", "name": review.claimant} if review.claimant else \
        {"@type": review.claimant_type, "name": review.claimant_name} if review.claimant_name else \
        _organization(first.publisher if first else None)
    item = {"@type": "Claim", **({"author": author} if author else {}),
            "appearance": [
                {"@type": "CreativeWork", **{k: v for k, v in (("url", a.url), ("headline", a.headline),
                                                               ("datePublished", a.published_at)) if v},
                 **({"publisher": _organization(a.publisher)} if a.publisher else {})}
                for a in review.appearances]}
    if first and first.published_at:
        item["datePublished"] = first.published_at
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": review.api_url,
        "url": review.url,
        "claimReviewed": review.claim_text,
        "datePublished": review.reviewed_at,
        "author": _organization(review.organization, review.organization_url),
        "itemReviewed": item,
        **({"reviewBody": review.rationale} if review.rationale else {}),
        **({"headline": review.headline} if review.headline else {}),
        **({"sdLicense": review.license} if review.license else {}),
        **({"inLanguage": review.language} if review.language else {}),
        "reviewRating": {
            "@type": "Rating",
            **dict(zip(("ratingValue", "bestRating", "worstRating"),
                       map(_number, review.scale or (RATING_VALUES[review.rating], BEST_RATING, WORST_RATING)))),
            "alternateName": review.rating_label or review.rating.replace("_", " ").capitalize(),
        },
    }


def data_feed(reviews: list[dict], *, url: str, name: str, date_modified: str) -> dict:
    """schema.org DataFeed (https://schema.org/DataFeed) of ClaimReviews: each review is a
    `dataFeedElement` as it stands (its own @context dropped: the feed's applies), which
    `api.domain.claimreview_import.parse_body` reads back."""
    return {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": name,
        "url": url,
        "dateModified": date_modified,
        "dataFeedElement": [{k: v for k, v in review.items() if k != "@context"} for review in reviews],
    }
