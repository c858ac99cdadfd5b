"""Everything anchored in one source, sorted by position: what a frontend highlights."""
from __future__ import annotations

from peewee import JOIN

from api.models import Appearance, Claim, Event, Evidence, Mention, Person, Verdict
from api.services.sources import get_source
from api.services.spans import present_spans


def source_annotations(pk: int, *, offsets: str) -> list:
    """Claim appearances (with status), person and event mentions, and evidence (with stance).

    Four queries whatever the number of spans; each row gets `.kind` and what it belongs to.
    """
    get_source(pk, with_text=False)
    appearances = list(Appearance.select(Appearance, Claim.id, Claim.text, Claim.status)
                       .join(Claim).where(Appearance.source == pk))
    mentions = list(Mention.select(Mention, Person.id, Person.name, Event.id, Event.name)
                    .join(Person, on=(Mention.person == Person.id), join_type=JOIN.LEFT_OUTER)
                    .switch(Mention).join(Event, on=(Mention.event == Event.id), join_type=JOIN.LEFT_OUTER)
                    .where(Mention.source == pk))
    evidence = list(Evidence.select(Evidence, Verdict.id, Verdict.claim, Verdict.rating)
                    .join(Verdict).where(Evidence.source == pk))
    for row in appearances:
        row.kind = "claim"
    for row in mentions:
        row.kind = "person" if row.person_id is not None else "event"
    for row in evidence:
        row.kind = "evidence"
    rows = sorted(appearances + mentions + evidence, key=lambda r: (r.start, r.end, r.kind))
    present_spans(rows, offsets)
    return rows
