"""Verdicts: append-only ratings of a claim, with evidence; the claim's status follows."""
from __future__ import annotations

from dataclasses import dataclass, field

from api.db import database
from api.domain.ids import encode_id
from api.domain.verdicts import EvidenceSpan, evidence_errors, overlapping_appearance, status_after
from api.domain.errors import Invalid, NotFound
from api.models import Appearance, Claim, Evidence, Verdict, utcnow
from api.models.prepared import PreparedInsert, PreparedQuery, PreparedStatement, Write, next_key, run_writes
from api.pagination import Page, paginate
from api.services import audit, keys, outbox
from api.services.common import check_etag, get_or_404, group_by, locking
from api.services.spans import resolve_spans, utf16_offsets


@dataclass(frozen=True)
class VerdictDetails:
    """A verdict and its evidence (spans in code points); `utf16` as in ClaimDetails."""

    verdict: Verdict
    evidence: list[Evidence]
    utf16: dict | None = field(default=None, compare=False)


def _resolve_evidence(claim: Claim, evidence: list[dict]) -> list[dict]:
    with_span = [(i, item) for i, item in enumerate(evidence) if "span" in item]
    rows = [{"stance": item["stance"], "url": item.get("url"), "quote": item.get("quote")} for item in evidence]
    if not with_span:
        return rows
    spans = resolve_spans([item["span"] for _, item in with_span],
                          path=[f"evidence.{i}.span" for i, _ in with_span])
    appearances = [EvidenceSpan(a.source_id, a.start, a.end)
                   for a in Appearance.select().where(Appearance.claim == claim.id)]
    for (index, _), span in zip(with_span, spans):
        own = overlapping_appearance(EvidenceSpan(span["source_id"], span["start"], span["end"]), appearances)
        if own is not None:
            raise Invalid(f"evidence.{index}.span",
                          "Evidence may not overlap the claim's own appearance "
                          f"({encode_id('source', own.source_id)} {own.start}..{own.end}): cite another passage.")
        rows[index].update(span)
    return rows


_insert_verdict = PreparedInsert(Verdict)
_claim_rated = PreparedStatement(lambda p: Claim.update(
    status=p["status"], latest_verdict_id=p["verdict"], version=Claim.version + 1, updated_at=p["at"]).where(
    Claim.id == p["claim"]))


# The claim's lock (what its ETag shows), with the state of the caller's key (keys.confirmed_read),
# whether any webhook endpoint listens (outbox.subscribers_column) and the new verdict's key
# (next_key, which the audit entry and the event name): one statement, not three, each a round trip
# on PostgreSQL (bench/RESULTS.md, issue #17). Key 0 (none) reads no key.
_lock_claim = PreparedQuery(lambda pk, key_id: locking(Claim.select(
    Claim.id, Claim.version, keys.active_hash_of(key_id), outbox.subscribers_column(), next_key(Verdict))
    .where(Claim.id == pk)).tuples())


def rating_writes(claim_pk: int, verdict: Verdict, actor: audit.Actor, **details) -> list[Write]:
    """What follows a verdict's INSERT (and its evidence's) in its transaction, for run_writes: the
    claim's status, latest verdict and version; the audit entry (with `details`); the
    `verdict.recorded` webhook event. `verdict` has its key, rating and created_at."""
    status = status_after(verdict.rating)
    claim_id, verdict_id = encode_id("claim", claim_pk), encode_id("verdict", verdict.id)
    return [
        _claim_rated.write({"status": status, "verdict": verdict.id, "at": verdict.created_at, "claim": claim_pk}),
        audit.entry(actor, "verdict", "claim", claim_pk, verdict=verdict_id, rating=verdict.rating, **details),
        outbox.event_write("verdict.recorded", outbox.resource_data(
            "verdict", verdict.id, "/v1/verdicts", rating=verdict.rating, claim=claim_id, claim_status=status)),
    ]


def record_verdict(claim_pk: int, data: dict, *, reviewer: audit.Actor, if_match: str | None = None,
                   key: keys.KeyCheck | None = None) -> VerdictDetails:
    """Append a verdict by `reviewer`; the claim's status and latest verdict change in the same
    transaction, with the audit entry and the webhook event (written together: one statement on
    PostgreSQL, models.prepared.run_writes). If-Match (raw header value) is checked against the
    claim. With `key`, the claim's lock confirms the caller's API key (Unauthenticated once
    revoked, before NotFound)."""
    problems = evidence_errors(data["rating"], [item["stance"] for item in data["evidence"]])
    with database.atomic():
        rows = _lock_claim(claim_pk, 0 if key is None else key.key_id)
        keys.confirm_key_by(key, rows, lambda row: row[2])
        if not rows:
            raise NotFound.of("claim", encode_id("claim", claim_pk))
        claim_id, version, _, subscribers, verdict_id = rows[0]
        outbox.note_subscribers(subscribers)
        claim = Claim(id=claim_id, version=version)
        check_etag(claim, if_match)
        if problems:
            raise Invalid("evidence", problems[0], slug="insufficient-evidence", errors={"evidence": problems})
        evidence = _resolve_evidence(claim, data["evidence"])
        verdict, insert = _insert_verdict.write(id=verdict_id, claim=claim.id, rating=data["rating"],
                                                rationale=data["rationale"], reviewer=reviewer.key_id,
                                                reviewer_name=reviewer.name, created_at=utcnow())
        writes = [insert]
        if evidence:
            writes.append(Write(*Evidence.insert_many([{**row, "verdict": verdict.id} for row in evidence]).sql()))
        run_writes(writes + rating_writes(claim.id, verdict, reviewer))
        # Built inside the transaction: once it commits, nothing is left that could fail.
        stored = _details([verdict])[0].evidence if evidence else []
        return VerdictDetails(verdict, stored, utf16_offsets({e.source_id for e in stored if e.source_id is not None}))


def _details(verdicts: list[Verdict]) -> list[VerdictDetails]:
    ids = [v.id for v in verdicts]
    evidence = list(Evidence.select().where(Evidence.verdict.in_(ids)).order_by(Evidence.id)) if ids else []
    grouped = group_by(evidence, "verdict_id")
    return [VerdictDetails(v, grouped.get(v.id, [])) for v in verdicts]


def get_verdict(pk: int) -> VerdictDetails:
    """The verdict with this key and its evidence; NotFound if there is none."""
    return _details([get_or_404(Verdict, pk)])[0]


def list_verdicts(claim_pk: int, *, sort: str, cursor: str | None, limit: int) -> Page:
    """A page of the claim's VerdictDetails (newest first unless asked otherwise)."""
    get_or_404(Claim, claim_pk)
    page = paginate(Verdict.select().where(Verdict.claim == claim_pk), sort=sort, cursor=cursor, limit=limit)
    return Page(_details(page.items), page.next_cursor)


_verdicts_by_id = PreparedQuery(lambda ids: Verdict.select().where(Verdict.id.in_(ids)))


def latest_verdicts(claims: list[Claim]) -> dict[int, Verdict]:
    """Each claim's latest verdict (without evidence), in one query."""
    ids = [c.latest_verdict_id for c in claims if c.latest_verdict_id is not None]
    return {v.id: v for v in _verdicts_by_id(ids)} if ids else {}
