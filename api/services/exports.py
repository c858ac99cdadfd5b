"""The whole database, read for an export: every row in dependency order, in keyset batches.

What an export line looks like is the presenter's business (`api.presenters.export`); this
module only reads. Derived data is left out (name tokens, text hashes and lengths, full-text
indexes), and so are secrets (API keys, idempotency records) and the audit trail.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator

from api.models import (
    Appearance, Claim, ClaimEvent, ClaimTag, Event, EventParticipant, Evidence, ImportedReview, Mention, Person,
    Source, Verdict,
)
from api.services.common import read_snapshot

BATCH = 1000
SOURCE_BATCH = 50  # source texts can be megabytes each: fewer per batch keeps memory flat
# Line type → model, parents before children. An imported review (another desk's fact-check,
# migration 0007) keeps what the desk published: its claim and source come before it.
EXPORTED = {"source": Source, "person": Person, "event": Event, "mention": Mention, "claim": Claim,
            "verdict": Verdict, "imported_review": ImportedReview}
# The link rows each exported type inlines: name → (link model, its owner field).
LINKS = {
    Event: {"participants": (EventParticipant, EventParticipant.event)},
    Claim: {"tags": (ClaimTag, ClaimTag.claim), "events": (ClaimEvent, ClaimEvent.claim),
            "appearances": (Appearance, Appearance.claim)},
    Verdict: {"evidence": (Evidence, Evidence.verdict)},
}


@dataclass(frozen=True)
class ExportBatch:
    """Rows of one type as plain dicts (model objects cost more than the rest of the export;
    a person's aliases as a list), and their link rows: {link name: {owner id: [rows in
    insertion order]}}."""

    kind: str  # a key of EXPORTED: source, person, event, mention, claim, verdict, imported_review
    rows: list[dict]
    links: dict[str, dict[int, list[dict]]]


def _links(model, owner, ids: list[int]) -> dict[int, list[dict]]:
    """A batch's link rows (one query), by owner id, in insertion order."""
    grouped = defaultdict(list)
    for row in model.select().where(owner.in_(ids)).order_by(model.id).dicts():
        grouped[row[owner.name]].append(row)
    return grouped


def _batches(model, size: int) -> Iterator[list[dict]]:
    """Keyset batches by id: the same cost for the first batch and the last, memory flat."""
    last_id = None
    while True:
        query = model.select() if last_id is None else model.select().where(model.id > last_id)
        rows = list(query.order_by(model.id).limit(size).dicts())
        if rows:
            yield rows
        if len(rows) < size:
            return
        last_id = rows[-1]["id"]


def export_counts() -> dict[str, int]:
    """How many lines an export will have, per type (for a progress bar)."""
    return {kind: model.select().count() for kind, model in EXPORTED.items()}


def export_batches() -> Iterator[ExportBatch]:
    """Every exported row, dependency order, ids ascending, from one consistent snapshot.

    Needs an open connection for as long as it is iterated."""
    with read_snapshot():
        for kind, model in EXPORTED.items():
            for rows in _batches(model, SOURCE_BATCH if model is Source else BATCH):
                ids = [row["id"] for row in rows]
                if model is Person:  # stored one per line; a list outside
                    for row in rows:
                        row["aliases"] = Person(aliases=row["aliases"]).alias_list
                if model is ImportedReview:  # stored as JSON text; a list outside
                    for row in rows:
                        row["appearances"] = json.loads(row["appearances"])
                links = {name: _links(link, owner, ids) for name, (link, owner) in LINKS.get(model, {}).items()}
                yield ExportBatch(kind, rows, links)
