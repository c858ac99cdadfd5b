"""Publishing reviewed claims as schema.org ClaimReview."""
from __future__ import annotations

from api.domain.claimreview import Appearance, Review, claim_review, claim_url, data_feed
from api.domain.ids import encode_id
from api.domain.errors import NotFound
from api.domain.vocabulary import IMPORTED
from api.models import Claim, Evidence, ImportedReview, Source, utcnow
from api.pagination import Page, paginate
from api.services.claims import ClaimDetails, claim_details, get_claim


def _reviews(claims: list[ClaimDetails], *, base_url: str, organization: str, organization_url: str | None,
             url_template: str | None = None) -> list[dict]:
    source_ids = {a.source_id for c in claims for a in c.appearances}
    sources = {s.id: s for s in Source.select(Source.id, Source.url, Source.title, Source.publisher, Source.published_at)
               .where(Source.id.in_(list(source_ids)))} if source_ids else {}
    originals = _imported_originals(claims)
    reviews = []
    for details in claims:
        claim = details.claim
        appearances = [sources[a.source_id] for a in details.appearances]
        claim_id = encode_id("claim", claim.id)
        original = originals.get(claim.id)
        if original is not None:
            reviews.append(_republished(details, original))
            continue
        reviews.append(claim_review(Review(
            url=claim_url(url_template, base_url, claim_id),
            api_url=f"{base_url}/v1/claims/{claim_id}/claimreview",
            claim_text=claim.text,
            claimant=details.claimant.name if details.claimant else None,
            rating=details.latest_verdict.rating,
            reviewed_at=details.latest_verdict.created_at.isoformat(timespec="milliseconds") + "Z",
            organization=organization, organization_url=organization_url, rationale=details.latest_verdict.rationale,
            appearances=[Appearance(s.url, s.title, s.publisher, s.published_at) for s in appearances],
        )))
    return reviews


def _imported_originals(claims: list[ClaimDetails]) -> dict[int, ImportedReview]:
    """The imported review each claim's latest verdict came from (the verdict whose evidence is
    that review's URL): such a claim is republished as its desk published it, never as ours."""
    latest = {d.latest_verdict.id: d.claim.id for d in claims if d.claim.origin == IMPORTED and d.latest_verdict}
    if not latest:
        return {}
    imported = {(r.claim_id, r.review_url): r for r in
                ImportedReview.select().where(ImportedReview.claim.in_(list(latest.values())))}
    evidence = Evidence.select(Evidence.verdict, Evidence.url).where(Evidence.verdict.in_(list(latest)) & Evidence.url.is_null(False))
    return {latest[e.verdict_id]: imported[(latest[e.verdict_id], e.url)] for e in evidence
            if (latest[e.verdict_id], e.url) in imported}


def _republished(details: ClaimDetails, original: ImportedReview) -> dict:
    """An imported claim's ClaimReview: the desk's URL, name, label, date and licence; the
    claim's appearances as the desk listed them (URLs and dates)."""
    verdict = details.latest_verdict
    return claim_review(Review(
        url=original.review_url, api_url=original.review_url, claim_text=details.claim.text,
        claimant=details.claimant.name if details.claimant else None,
        claimant_name=original.claimant_name, claimant_type="Person" if original.claimant_is_person else "Organization",
        rating=verdict.rating,
        reviewed_at=original.review_date or verdict.created_at.isoformat(timespec="milliseconds") + "Z",
        organization=original.publisher or "Unknown", organization_url=original.publisher_url,
        rating_label=original.rating_text, license=original.license, headline=original.title, language=original.language,
        scale=(original.rating_value, original.best_rating, original.worst_rating)
        if None not in (original.rating_value, original.best_rating, original.worst_rating) else None,
        appearances=[Appearance(a.get("url"), a.get("headline"), None, a.get("date")) for a in original.appearance_list],
    ))


def get_claim_review(pk: int, **publisher) -> dict:
    claim = get_claim(pk)
    if claim.latest_verdict is None:
        raise NotFound(f"Claim {encode_id('claim', pk)} has no verdict yet, so there is no ClaimReview to publish.",
                       slug="not-reviewed")
    return _reviews([claim], **publisher)[0]


def list_claim_reviews(*, sort: str, cursor: str | None, limit: int, **publisher) -> tuple[list[dict], Page]:
    page = paginate(Claim.select().where(Claim.latest_verdict_id.is_null(False)), sort=sort,
                    cursor=cursor, limit=limit)
    return _reviews(claim_details(page.items), **publisher), page


def claim_review_feed(*, feed_url: str, feed_name: str, sort: str, cursor: str | None, limit: int,
                      **publisher) -> tuple[dict, Page]:
    """The same page as list_claim_reviews, as a schema.org DataFeed (api.domain.claimreview.data_feed)
    modified now."""
    reviews, page = list_claim_reviews(sort=sort, cursor=cursor, limit=limit, **publisher)
    return data_feed(reviews, url=feed_url, name=feed_name,
                     date_modified=utcnow().isoformat(timespec="milliseconds") + "Z"), page
