"""Events: what happened, when, where, who took part, and where sources mention it."""
from __future__ import annotations

from api.db import database
from api.errors import Problem
from api.models import Claim, ClaimEvent, Event, EventParticipant, Mention, Person
from api.pagination import Page, paginate
from api.services import audit
from api.services.common import (
    check_etag, get_or_404, group_by, require_existing, save_changes, time_filters, touch_claims,
)
from api.services.mentions import attach_mentions, replace_mentions

EVENT_FIELDS = ("name", "kind", "description", "starts_at", "ends_at", "location")


def _set_participants(event_id: int, person_ids: list[int]) -> None:
    require_existing(Person, person_ids, "participants")
    EventParticipant.delete().where(EventParticipant.event == event_id).execute()
    unique = list(dict.fromkeys(person_ids))
    if unique:
        EventParticipant.insert_many([{"event": event_id, "person": p} for p in unique]).execute()


def attach_participants(events: list[Event]) -> None:
    ids = [e.id for e in events]
    links = list(EventParticipant.select(EventParticipant, Person.id, Person.name).join(Person)
                 .where(EventParticipant.event.in_(ids)).order_by(EventParticipant.id)) if ids else []
    grouped = group_by(links, "event_id")
    for event in events:
        event.participant_list = [link.person for link in grouped.get(event.id, [])]


def _details(events: list[Event], offsets: str) -> None:
    attach_participants(events)
    attach_mentions("event", events, offsets=offsets)


def create_event(data: dict, *, offsets: str, origin: str = "manual") -> Event:
    with database.atomic():
        event = Event.create(**{k: data.get(k) for k in EVENT_FIELDS}, origin=origin)
        _set_participants(event.id, data.get("participants", []))
        replace_mentions("event", event.id, data.get("mentions", []), offsets=offsets, origin=origin)
        audit.record("create", "event", event.id, origin=origin)
    return get_event(event.id, offsets=offsets)


def get_event(pk: int | None, public_id: str = "", *, offsets: str) -> Event:
    event = get_or_404(Event, pk, public_id)
    _details([event], offsets)
    return event


def list_events(filters: dict, *, sort: str, cursor: str | None, limit: int, offsets: str) -> Page:
    query = Event.select()
    if filters.get("kind"):
        query = query.where(Event.kind == filters["kind"])
    if filters.get("participant") is not None:
        query = query.where(Event.id.in_(
            EventParticipant.select(EventParticipant.event).where(EventParticipant.person == filters["participant"])))
    if filters.get("starts_after"):
        query = query.where(Event.starts_at >= filters["starts_after"])
    if filters.get("starts_before"):
        query = query.where(Event.starts_at < filters["starts_before"])
    query = time_filters(query, Event, filters)
    page = paginate(query, sort=sort, cursor=cursor, limit=limit)
    _details(page.items, offsets)
    return page


def update_event(pk: int, public_id: str, changes: dict, *, offsets: str) -> Event:
    with database.atomic():
        event = get_or_404(Event, pk, public_id)
        participants = changes.pop("participants", None)
        mentions = changes.pop("mentions", None)
        save_changes(event, changes)
        if "name" in changes:
            touch_claims(Claim.id.in_(ClaimEvent.select(ClaimEvent.claim).where(ClaimEvent.event == pk)))
        if participants is not None:
            _set_participants(pk, participants)
        if mentions is not None:
            replace_mentions("event", pk, mentions, offsets=offsets)
        audit.record("update", "event", pk, fields=sorted(changes) + [n for n, v in (("participants", participants), ("mentions", mentions)) if v is not None])
    return get_event(pk, offsets=offsets)


def delete_event(pk: int, public_id: str) -> None:
    with database.atomic():
        event = get_or_404(Event, pk, public_id)
        check_etag(event)
        touch_claims(Claim.id.in_(ClaimEvent.select(ClaimEvent.claim).where(ClaimEvent.event == pk)))
        Event.delete().where(Event.id == pk).execute()
        audit.record("delete", "event", pk)


def merge_events(pk: int, public_id: str, duplicate_pk: int, *, offsets: str) -> Event:
    """Fold a duplicate into this event: its mentions, participants and claim links move here,
    fields this event lacks (description, dates, location, kind) are taken from it, and the
    duplicate is deleted. Raises Problem 404 (unknown event) or 422 (merging into itself, or an
    unknown duplicate)."""
    with database.atomic():
        event = get_or_404(Event, pk, public_id)
        if pk == duplicate_pk:
            raise Problem(422, "An event cannot be merged into itself.", slug="validation",
                          errors={"duplicate": ["must differ from the event merged into"]})
        require_existing(Event, [duplicate_pk], "duplicate")
        duplicate = Event.get_by_id(duplicate_pk)
        Mention.update(event=pk).where(Mention.event == duplicate_pk).execute()
        present = EventParticipant.select(EventParticipant.person).where(EventParticipant.event == pk)
        EventParticipant.update(event=pk).where(
            (EventParticipant.event == duplicate_pk) & EventParticipant.person.not_in(present)).execute()
        linked = ClaimEvent.select(ClaimEvent.claim).where(ClaimEvent.event == pk)
        moved = ClaimEvent.select(ClaimEvent.claim).where(ClaimEvent.event == duplicate_pk)
        touch_claims(Claim.id.in_(moved))
        ClaimEvent.update(event=pk).where((ClaimEvent.event == duplicate_pk) & ClaimEvent.claim.not_in(linked)).execute()
        changes = {f: getattr(duplicate, f) for f in ("kind", "description", "starts_at", "ends_at", "location")
                   if not getattr(event, f) and getattr(duplicate, f)}
        save_changes(event, changes)
        Event.delete().where(Event.id == duplicate_pk).execute()  # cascades what did not move
        audit.record("merge", "event", pk, duplicate=duplicate_pk)
    return get_event(pk, offsets=offsets)
