"""Everything anchored in one source, sorted by position: what a frontend highlights."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

from api.models import Appearance, Claim, Event, Evidence, Mention, Person, Verdict
from api.services.sources import require_source

@dataclass(frozen=True)
class Annotation:
    """One span (code points) of the source and what it belongs to.

    kind 'claim': `span` is an Appearance (its claim's id, text, status loaded); 'person' and
    'event': a Mention (the person's or event's id and name); 'evidence': an Evidence row (its
    verdict's id, claim and rating)."""

    kind: str
    span: object


def source_annotations(pk: int) -> list[Annotation]:
    """Claim appearances (with status), person and event mentions, and evidence (with stance),
    sorted by (start, end, kind). Four queries whatever the number of spans; NotFound."""
    require_source(pk)
    appearances = list(Appearance.select(Appearance, Claim.id, Claim.text, Claim.status)
                       .join(Claim).where(Appearance.source == pk))
    mentions = list(Mention.select(Mention, Person.id, Person.name, Event.id, Event.name)
                    .join(Person, on=(Mention.person == Person.id), join_type=JOIN.LEFT_OUTER)
                    .switch(Mention).join(Event, on=(Mention.event == Event.id), join_type=JOIN.LEFT_OUTER)
                    .where(Mention.source == pk))
    evidence = list(Evidence.select(Evidence, Verdict.id, Verdict.claim, Verdict.rating)
                    .join(Verdict).where(Evidence.source == pk))
    annotations = ([Annotation("claim", row) for row in appearances]
                   + [Annotation("person" if row.person_id is not None else "event", row) for row in mentions]
                   + [Annotation("evidence", row) for row in evidence])
    return sorted(annotations, key=lambda a: (a.span.start, a.span.end, a.kind))
