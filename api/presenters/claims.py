"""Claims and verdicts."""
from __future__ import annotations

from api.presenters.people import event_ref, person_ref
from api.presenters.spans import SpanPresenter
from api.services.claims import ClaimDetails
from api.services.verdicts import VerdictDetails


def verdict_summary(verdict) -> dict | None:
    """What a claim shows of its latest verdict (VerdictSummarySchema)."""
    if verdict is None:
        return None
    return {"id": verdict.id, "rating": verdict.rating, "rationale": verdict.rationale,
            "reviewer_id": verdict.reviewer_id, "reviewer_name": verdict.reviewer_name,
            "created_at": verdict.created_at}


def present_claims(claims: list[ClaimDetails], offsets: str, spans: SpanPresenter | None = None) -> list[dict]:
    """ClaimSchema dicts; one converter load for the whole page (or the given `spans`)."""
    if spans is None:
        spans = SpanPresenter(offsets, claims[0].utf16 if claims else None)
        spans.prepare(a.source_id for d in claims for a in d.appearances)
    return [{"id": d.claim.id, "text": d.claim.text, "claimant": person_ref(d.claimant),
             "events": [event_ref(e) for e in d.events], "appearances": [spans(a) for a in d.appearances],
             "status": d.claim.status, "origin": d.claim.origin, "checkworthiness": d.claim.checkworthiness,
             "tags": d.tags, "latest_verdict": verdict_summary(d.latest_verdict),
             "created_at": d.claim.created_at, "updated_at": d.claim.updated_at} for d in claims]


def present_claim(claim: ClaimDetails, offsets: str) -> dict:
    return present_claims([claim], offsets)[0]


def present_verdicts(verdicts: list[VerdictDetails], offsets: str) -> list[dict]:
    """VerdictSchema dicts; evidence is a span of a stored source, or a url with a quote."""
    spans = SpanPresenter(offsets, verdicts[0].utf16 if len(verdicts) == 1 else None)
    spans.prepare(e.source_id for d in verdicts for e in d.evidence if e.source_id is not None)
    return [{**verdict_summary(d.verdict), "claim": d.verdict.claim_id,
             "evidence": [{"stance": e.stance, "span": spans(e) if e.source_id is not None else None,
                           "url": e.url, "quote": e.quote} for e in d.evidence]} for d in verdicts]


def present_verdict(verdict: VerdictDetails, offsets: str) -> dict:
    return present_verdicts([verdict], offsets)[0]
