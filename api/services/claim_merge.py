"""Folding a duplicate claim into the one kept (`POST /v1/claims/{id}/merge`).

What moves to the kept claim, in one transaction with both rows locked (lock_merge_pair):
- appearances (spans), except one at the very same place (source, start, end) as a kept one;
- tags and events not already on the kept claim;
- every verdict, with its evidence, unchanged (ids, reviewers, times): the histories combine
  into one, ordered by time, and the latest verdict by time (then id) becomes the kept claim's
  current one, which sets its status. No verdict is lost or rewritten;
- imported-review records (a claim may then carry several desks' reviews);
- the claimant and check-worthiness, only where the kept claim has none.
The kept claim's text and origin stay. The duplicate is then deleted: it answers 404, as a
merged person or event does; the audit entry (action `merge`) names it.
"""
from __future__ import annotations

from api.db import database
from api.domain.ids import encode_id
from api.domain.verdicts import status_after
from api.models import Appearance, Claim, ClaimEvent, ClaimTag, ImportedReview, Verdict
from api.services import audit, outbox
from api.services.claims import CLAIMS_PATH, ClaimDetails, written_claims
from api.services.common import lock_merge_pair, save_changes


def merge_claims(pk: int, duplicate_pk: int, *, actor: audit.Actor, if_match: str | None = None) -> ClaimDetails:
    """Fold claim `duplicate_pk` into claim `pk` (see the module docstring); the kept claim's
    details. Raises NotFound (unknown `pk`), Invalid on `duplicate` (itself, or unknown) and
    PreconditionFailed (If-Match, checked against the kept claim, names another version)."""
    with database.atomic():
        claim, duplicate = lock_merge_pair(Claim, pk, duplicate_pk)
        kept_places = {(a.source_id, a.start, a.end) for a in Appearance.select().where(Appearance.claim == pk)}
        moved, dropped = [], []
        for appearance in Appearance.select().where(Appearance.claim == duplicate_pk):
            (dropped if (appearance.source_id, appearance.start, appearance.end) in kept_places else moved).append(appearance.id)
        if moved:
            Appearance.update(claim=pk).where(Appearance.id.in_(moved)).execute()
        for model, column in ((ClaimTag, ClaimTag.tag), (ClaimEvent, ClaimEvent.event)):
            already = model.select(column).where(model.claim == pk)
            model.update(claim=pk).where((model.claim == duplicate_pk) & column.not_in(already)).execute()
        Verdict.update(claim=pk).where(Verdict.claim == duplicate_pk).execute()
        ImportedReview.update(claim=pk).where(ImportedReview.claim == duplicate_pk).execute()
        latest = Verdict.select(Verdict.id, Verdict.rating).where(Verdict.claim == pk) \
            .order_by(Verdict.created_at.desc(), Verdict.id.desc()).first()
        changes = {"latest_verdict_id": latest.id if latest else None,
                   "status": status_after(latest.rating if latest else None)}
        if claim.claimant_id is None and duplicate.claimant_id is not None:
            changes["claimant"] = duplicate.claimant_id
        if claim.checkworthiness is None and duplicate.checkworthiness is not None:
            changes["checkworthiness"] = duplicate.checkworthiness
        save_changes(claim, changes, if_match=if_match)
        # What stays with the duplicate (appearances at a place the kept claim has, its links) goes with it.
        Claim.delete().where(Claim.id == duplicate_pk).execute()
        audit.record(actor, "merge", "claim", pk, duplicate=encode_id("claim", duplicate_pk), appearances_moved=len(moved),
                     appearances_dropped=len(dropped))
        outbox.emit_resource("claim.merged", "claim", pk, CLAIMS_PATH, duplicate=encode_id("claim", duplicate_pk))
        # Built inside the transaction: once it commits, nothing is left that could fail.
        return written_claims([Claim.get_by_id(pk)])[0]
