"""Events: what happened, when, where, who took part, and where sources mention it."""
from __future__ import annotations

from dataclasses import dataclass, field

from api.db import database
from api.domain.vocabulary import MANUAL
from api.models import Claim, ClaimEvent, Event, EventParticipant, Mention, Person
from api.pagination import Page, paginate
from api.services import audit
from api.services.common import (
    check_etag, get_locked_or_404, get_or_404, group_by, lock_merge_pair, require_existing, save_changes, time_filters, touch_claims,
)
from api.services.mentions import mentions_of, replace_mentions
from api.services.spans import utf16_offsets

EVENT_FIELDS = ("name", "kind", "description", "starts_at", "ends_at", "location")


def _set_participants(event_id: int, person_ids: list[int]) -> None:
    require_existing(Person, person_ids, "participants")
    EventParticipant.delete().where(EventParticipant.event == event_id).execute()
    unique = list(dict.fromkeys(person_ids))
    if unique:
        EventParticipant.insert_many([{"event": event_id, "person": p} for p in unique]).execute()


@dataclass(frozen=True)
class EventDetails:
    """An event, its participants (id and name) and mentions (code points); `utf16` as in ClaimDetails."""

    event: Event
    participants: list[Person]
    mentions: list[Mention]
    utf16: dict | None = field(default=None, compare=False)


def _details(events: list[Event]) -> list[EventDetails]:
    ids = [e.id for e in events]
    links = list(EventParticipant.select(EventParticipant, Person.id, Person.name).join(Person)
                 .where(EventParticipant.event.in_(ids)).order_by(EventParticipant.id)) if ids else []
    participants = group_by(links, "event_id")
    mentions = mentions_of("event", ids)
    return [EventDetails(e, [link.person for link in participants.get(e.id, [])], mentions.get(e.id, []))
            for e in events]


def _written(pk: int) -> EventDetails:
    """An event just written, with what presenting it needs: call inside the transaction."""
    details = _details([get_or_404(Event, pk)])[0]
    return EventDetails(details.event, details.participants, details.mentions,
                        utf16_offsets({m.source_id for m in details.mentions}))


def create_event(data: dict, *, actor: audit.Actor, origin: str = MANUAL) -> EventDetails:
    with database.atomic():
        event = Event.create(**{k: data.get(k) for k in EVENT_FIELDS}, origin=origin)
        _set_participants(event.id, data.get("participants", []))
        replace_mentions("event", event.id, data.get("mentions", []), origin=origin)
        audit.record(actor, "create", "event", event.id, origin=origin)
        # Built inside the transaction: once it commits, nothing is left that could fail.
        return _written(event.id)


def get_event(pk: int) -> EventDetails:
    """The event with this key and its details; NotFound if there is none."""
    return _details([get_or_404(Event, pk)])[0]


def list_events(filters: dict, *, sort: str, cursor: str | None, limit: int) -> Page:
    """A page of EventDetails matching the filters (see EventQuerySchema)."""
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
    return Page(_details(page.items), page.next_cursor)


def update_event(pk: int, changes: dict, *, actor: audit.Actor, if_match: str | None = None) -> EventDetails:
    with database.atomic():
        event = get_locked_or_404(Event, pk)
        participants = changes.pop("participants", None)
        mentions = changes.pop("mentions", None)
        save_changes(event, changes, if_match=if_match)
        if "name" in changes:
            touch_claims(Claim.id.in_(ClaimEvent.select(ClaimEvent.claim).where(ClaimEvent.event == pk)))
        if participants is not None:
            _set_participants(pk, participants)
        if mentions is not None:
            replace_mentions("event", pk, mentions)
        audit.record(actor, "update", "event", pk, fields=sorted(changes) + [n for n, v in (("participants", participants), ("mentions", mentions)) if v is not None])
        # Built inside the transaction: once it commits, nothing is left that could fail.
        return _written(pk)


def delete_event(pk: int, *, actor: audit.Actor, if_match: str | None = None) -> None:
    with database.atomic():
        event = get_locked_or_404(Event, pk)
        check_etag(event, if_match)
        touch_claims(Claim.id.in_(ClaimEvent.select(ClaimEvent.claim).where(ClaimEvent.event == pk)))
        Event.delete().where(Event.id == pk).execute()
        audit.record(actor, "delete", "event", pk)


def merge_events(pk: int, duplicate_pk: int, *, actor: audit.Actor, if_match: str | None = None) -> EventDetails:
    """Fold a duplicate into this event: its mentions, participants and claim links move here,
    fields this event lacks (description, dates, location, kind) are taken from it, and the
    duplicate is deleted. Raises NotFound (unknown event), Invalid (merging into itself, or an
    unknown duplicate) and PreconditionFailed (stale `if_match`)."""
    with database.atomic():
        event, duplicate = lock_merge_pair(Event, pk, duplicate_pk)
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
        save_changes(event, changes, if_match=if_match)
        Event.delete().where(Event.id == duplicate_pk).execute()  # cascades what did not move
        audit.record(actor, "merge", "event", pk, duplicate=duplicate_pk)
        # Built inside the transaction: once it commits, nothing is left that could fail.
        return _written(pk)
