"""Claims: checkable statements, anchored to one or more source spans."""
from __future__ import annotations

from api.db import database
from api.domain.ids import encode_id
from api.domain.tags import normalize_tag
from api.errors import Problem
from api.models import Appearance, Claim, ClaimEvent, ClaimTag, Event, Person, Verdict
from api.models.prepared import PreparedQuery
from api.pagination import Page, paginate
from api.services import audit
from api.services.common import (
    check_etag, full_text_match, get_or_404, group_by, require_existing, save_changes, time_filters,
)
from api.services.spans import present_spans, resolve_spans
from api.services.verdicts import latest_verdicts

def _normalize_tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(normalize_tag(tag) for tag in tags if tag.strip()))


def _set_links(claim_id: int, *, tags=None, events=None, appearances=None) -> None:
    if tags is not None:
        ClaimTag.delete().where(ClaimTag.claim == claim_id).execute()
        if tags:
            ClaimTag.insert_many([{"claim": claim_id, "tag": t} for t in _normalize_tags(tags)]).execute()
    if events is not None:
        require_existing(Event, events, "events")
        ClaimEvent.delete().where(ClaimEvent.claim == claim_id).execute()
        if events:
            ClaimEvent.insert_many([{"claim": claim_id, "event": e} for e in dict.fromkeys(events)]).execute()
    if appearances is not None:
        Appearance.delete().where(Appearance.claim == claim_id).execute()
        Appearance.insert_many([{**span, "claim": claim_id} for span in appearances]).execute()


def create_claim(data: dict, *, offsets: str, origin: str = "manual") -> Claim:
    with database.atomic():
        appearances = resolve_spans(data["appearances"], offsets=offsets, path="appearances")
        if data.get("claimant") is not None:
            require_existing(Person, [data["claimant"]], "claimant")
        claim = Claim.create(
            text=(data.get("text") or appearances[0]["exact"]).strip(),
            claimant=data.get("claimant"), checkworthiness=data.get("checkworthiness"), origin=origin,
        )
        _set_links(claim.id, tags=data.get("tags", []), events=data.get("events", []), appearances=appearances)
        audit.record("create", "claim", claim.id, origin=origin)
    return get_claim(claim.id, offsets=offsets)


# The details of a page of claims, each query prepared once (see api.models.prepared).
_claimants = PreparedQuery(lambda ids: Person.select(Person.id, Person.name).where(Person.id.in_(ids)))
_appearances = PreparedQuery(lambda ids: Appearance.select().where(Appearance.claim.in_(ids))
                             .order_by(Appearance.claim, Appearance.id))
_events = PreparedQuery(lambda ids: ClaimEvent.select(ClaimEvent, Event.id, Event.name).join(Event)
                        .where(ClaimEvent.claim.in_(ids)).order_by(ClaimEvent.id))
_tags = PreparedQuery(lambda ids: ClaimTag.select().where(ClaimTag.claim.in_(ids)).order_by(ClaimTag.id))


def attach_details(claims: list[Claim], *, offsets: str) -> None:
    """Claimant, appearances, events, tags, latest verdict for a page of claims: five queries at most."""
    ids = [c.id for c in claims]
    if not ids:
        return
    claimant_ids = sorted({c.claimant_id for c in claims if c.claimant_id is not None})
    people = {p.id: p for p in _claimants(claimant_ids)} if claimant_ids else {}
    appearances = _appearances(ids)
    present_spans(appearances, offsets)
    events = _events(ids)
    tags = _tags(ids)
    verdicts = latest_verdicts(claims)
    by_claim = {name: group_by(rows, "claim_id") for name, rows in
                (("appearances", appearances), ("events", events), ("tags", tags))}
    for claim in claims:
        claim.claimant_ref = people.get(claim.claimant_id)
        claim.appearance_list = by_claim["appearances"].get(claim.id, [])
        claim.event_list = [link.event for link in by_claim["events"].get(claim.id, [])]
        claim.tag_list = [link.tag for link in by_claim["tags"].get(claim.id, [])]
        claim.latest_verdict = verdicts.get(claim.latest_verdict_id)


def get_claim(pk: int | None, public_id: str = "", *, offsets: str) -> Claim:
    claim = get_or_404(Claim, pk, public_id)
    attach_details([claim], offsets=offsets)
    return claim


def claims_query(filters: dict):
    query = Claim.select()
    for name in ("status", "origin"):
        if filters.get(name):
            query = query.where(getattr(Claim, name) == filters[name])
    if "claimant" in filters:
        query = query.where(Claim.claimant == filters["claimant"])
    if "event" in filters:
        query = query.where(Claim.id.in_(ClaimEvent.select(ClaimEvent.claim).where(ClaimEvent.event == filters["event"])))
    if "source" in filters:
        query = query.where(Claim.id.in_(Appearance.select(Appearance.claim).where(Appearance.source == filters["source"])))
    if filters.get("tag"):
        query = query.where(Claim.id.in_(ClaimTag.select(ClaimTag.claim).where(ClaimTag.tag == normalize_tag(filters["tag"]))))
    if filters.get("q"):
        query = query.where(full_text_match(Claim, filters["q"]))
    return time_filters(query, Claim, filters)


def list_claims(filters: dict, *, sort: str, cursor: str | None, limit: int, offsets: str) -> Page:
    page = paginate(claims_query(filters), sort=sort, cursor=cursor, limit=limit)
    attach_details(page.items, offsets=offsets)
    return page


def update_claim(pk: int, public_id: str, changes: dict, *, offsets: str) -> Claim:
    with database.atomic():
        claim = get_or_404(Claim, pk, public_id)
        links = {name: changes.pop(name, None) for name in ("tags", "events", "appearances")}
        if links["appearances"] is not None:
            links["appearances"] = resolve_spans(links["appearances"], offsets=offsets, path="appearances")
        if changes.get("claimant") is not None:
            require_existing(Person, [changes["claimant"]], "claimant")
        if "text" in changes:
            changes["text"] = changes["text"].strip()
        save_changes(claim, changes)
        _set_links(pk, **links)
        audit.record("update", "claim", pk, fields=sorted(changes) + [n for n, v in links.items() if v is not None])
    return get_claim(pk, offsets=offsets)


def delete_claim(pk: int, public_id: str) -> None:
    """Delete an unreviewed claim; 409 once it has a verdict (verdicts are append-only history,
    and a deleted claim would take them along). The audit entry keeps what went away."""
    with database.atomic():
        claim = get_claim(pk, public_id, offsets="codepoints")
        check_etag(claim)
        if Verdict.select().where(Verdict.claim == pk).exists():
            raise Problem(409, f"Claim {public_id} has verdicts, which are never deleted; record a new "
                               "verdict (e.g. unverifiable, with the reason in its rationale) instead.",
                          slug="claim-has-verdicts")
        Claim.delete().where(Claim.id == pk).execute()
        audit.record("delete", "claim", pk, text=claim.text, origin=claim.origin, tags=claim.tag_list,
                     claimant=claim.claimant_id and encode_id("person", claim.claimant_id),
                     events=[encode_id("event", e.id) for e in claim.event_list],
                     appearances=[{"source": encode_id("source", a.source_id), "start": a.start, "end": a.end,
                                   "exact": a.exact} for a in claim.appearance_list])
