"""People and events, and the short references other resources embed."""
from __future__ import annotations

from api.presenters.spans import SpanPresenter
from api.services.events import EventDetails
from api.services.people import PersonDetails


def person_ref(person) -> dict | None:
    return None if person is None else {"id": person.id, "name": person.name}


event_ref = person_ref  # an event's reference has the same shape: id and name


def _versioned(row) -> dict:
    return {"created_at": row.created_at, "updated_at": row.updated_at}


def present_people(people: list[PersonDetails], offsets: str) -> list[dict]:
    """PersonSchema dicts; one converter load for the whole page."""
    spans = SpanPresenter(offsets, people[0].utf16 if len(people) == 1 else None)
    spans.prepare(m.source_id for d in people for m in d.mentions)
    return [{"id": d.person.id, "name": d.person.name, "aliases": d.person.alias_list,
             "description": d.person.description, "wikidata_id": d.person.wikidata_id, "origin": d.person.origin,
             "mentions": [spans(m) for m in d.mentions], **_versioned(d.person)} for d in people]


def present_person(person: PersonDetails, offsets: str) -> dict:
    return present_people([person], offsets)[0]


def present_events(events: list[EventDetails], offsets: str) -> list[dict]:
    """EventSchema dicts; one converter load for the whole page."""
    spans = SpanPresenter(offsets, events[0].utf16 if len(events) == 1 else None)
    spans.prepare(m.source_id for d in events for m in d.mentions)
    return [{"id": d.event.id, "name": d.event.name, "kind": d.event.kind, "description": d.event.description,
             "starts_at": d.event.starts_at, "ends_at": d.event.ends_at, "location": d.event.location,
             "origin": d.event.origin, "participants": [person_ref(p) for p in d.participants],
             "mentions": [spans(m) for m in d.mentions], **_versioned(d.event)} for d in events]


def present_event(event: EventDetails, offsets: str) -> dict:
    return present_events([event], offsets)[0]
