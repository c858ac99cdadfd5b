"""People: names, aliases, mentions; lookup by any alias ignoring case and accents."""
from __future__ import annotations

from dataclasses import dataclass, field

from api.db import database
from api.domain.text import name_tokens, prefix_upper_bound, search_words, variant_key
from api.domain.vocabulary import MANUAL
from api.models import Claim, Event, EventParticipant, Mention, Person, PersonNameToken
from api.pagination import Page, paginate
from api.services import audit
from api.services.common import (
    check_etag, full_text_match, get_locked_or_404, get_or_404, lock_merge_pair, save_changes, time_filters, touch_claims, touch_events,
)
from api.services.mentions import mentions_of, replace_mentions
from api.services.spans import utf16_offsets


@dataclass(frozen=True)
class PersonDetails:
    """A person and their mentions (code points); `utf16` as in ClaimDetails."""

    person: Person
    mentions: list[Mention]
    utf16: dict | None = field(default=None, compare=False)


def _details(people: list[Person]) -> list[PersonDetails]:
    mentions = mentions_of("person", [p.id for p in people])
    return [PersonDetails(p, mentions.get(p.id, [])) for p in people]


def _written(pk: int) -> PersonDetails:
    """A person just written, with what presenting it needs: call inside the transaction."""
    details = _details([get_or_404(Person, pk)])[0]
    return PersonDetails(details.person, details.mentions, utf16_offsets({m.source_id for m in details.mentions}))


def aliases_text(name: str, aliases: list[str]) -> str:
    """How aliases are stored: stripped, without the name itself or case-insensitive repeats."""
    return "\n".join(_unique_aliases(name, aliases))


def _events_of(person_pk: int):
    return EventParticipant.select(EventParticipant.event).where(EventParticipant.person == person_pk)


def index_names(person: Person) -> None:
    """(Re)build the folded name tokens of a person's name and aliases (also used by import)."""
    PersonNameToken.delete().where(PersonNameToken.person == person.id).execute()
    tokens = name_tokens(person.name, *person.alias_list)
    if tokens:
        PersonNameToken.insert_many([{"person": person.id, "token": t} for t in sorted(tokens)]).execute()


def _unique_aliases(name: str, aliases: list[str]) -> list[str]:
    seen, kept = {name.casefold()}, []
    for alias in aliases:
        alias = alias.strip()
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            kept.append(alias)
    return kept


def create_person(data: dict, *, actor: audit.Actor, origin: str = MANUAL) -> PersonDetails:
    with database.atomic():
        person = Person.create(
            name=data["name"].strip(), aliases=aliases_text(data["name"].strip(), data.get("aliases", [])),
            description=data.get("description"), wikidata_id=data.get("wikidata_id"), origin=origin,
        )
        index_names(person)
        replace_mentions("person", person.id, data.get("mentions", []), origin=origin)
        audit.record(actor, "create", "person", person.id, origin=origin)
        # Built inside the transaction: once it commits, nothing is left that could fail.
        return _written(person.id)


def get_person(pk: int) -> PersonDetails:
    """The person with this key and their mentions; NotFound if there is none."""
    return _details([get_or_404(Person, pk)])[0]


def name_match(name: str):
    """People whose name or an alias has, for every word of `name`, a word starting with it
    or with its transliteration variant key (api.domain.text.variant_key)."""
    words = search_words(name)
    if not words:
        return Person.id.in_([])
    condition = None
    for word in dict.fromkeys(words):
        clause = _prefix_of_a_name_word(word) | _prefix_of_a_name_word(variant_key(word))
        condition = clause if condition is None else condition & clause
    return condition


def _prefix_of_a_name_word(token: str):
    """A range on the (token, person) index: 'zelensky' finds 'zelenskyy'."""
    bound = prefix_upper_bound(token)
    in_range = PersonNameToken.token >= token
    matching = PersonNameToken.select(PersonNameToken.person).where(
        in_range if bound is None else in_range & (PersonNameToken.token < bound))
    return Person.id.in_(matching)


def list_people(filters: dict, *, sort: str, cursor: str | None, limit: int) -> Page:
    """A page of PersonDetails matching the filters (see PersonQuerySchema)."""
    query = Person.select()
    if filters.get("name"):
        query = query.where(name_match(filters["name"]))
    if filters.get("q"):
        query = query.where(full_text_match(Person, filters["q"]))
    if filters.get("wikidata_id"):
        query = query.where(Person.wikidata_id == filters["wikidata_id"])
    query = time_filters(query, Person, filters)
    page = paginate(query, sort=sort, cursor=cursor, limit=limit)
    return Page(_details(page.items), page.next_cursor)


def update_person(pk: int, changes: dict, *, actor: audit.Actor, if_match: str | None = None) -> PersonDetails:
    with database.atomic():
        person = get_locked_or_404(Person, pk)
        mentions = changes.pop("mentions", None)
        name = changes.get("name", person.name).strip()
        if "name" in changes:
            changes["name"] = name
        if "aliases" in changes or "name" in changes:
            aliases = changes.get("aliases", person.alias_list)
            changes["aliases"] = aliases_text(name, aliases)
        save_changes(person, changes, if_match=if_match)
        index_names(person)
        if "name" in changes:
            touch_claims(Claim.claimant == pk)
            touch_events(Event.id.in_(_events_of(pk)))
        if mentions is not None:
            replace_mentions("person", person.id, mentions)
        audit.record(actor, "update", "person", pk, fields=sorted(changes) + (["mentions"] if mentions is not None else []))
        # Built inside the transaction: once it commits, nothing is left that could fail.
        return _written(pk)


def delete_person(pk: int, *, actor: audit.Actor, if_match: str | None = None) -> None:
    with database.atomic():
        person = get_locked_or_404(Person, pk)
        check_etag(person, if_match)
        touch_claims(Claim.claimant == pk)  # they lose their claimant
        touch_events(Event.id.in_(_events_of(pk)))  # and their events a participant
        Person.delete().where(Person.id == pk).execute()
        audit.record(actor, "delete", "person", pk)


def merge_people(pk: int, duplicate_pk: int, *, actor: audit.Actor, if_match: str | None = None) -> PersonDetails:
    """Fold a duplicate into this person: its names, mentions, claims and events move here."""
    with database.atomic():
        person, duplicate = lock_merge_pair(Person, pk, duplicate_pk)
        aliases = person.alias_list + [duplicate.name] + duplicate.alias_list
        Mention.update(person=pk).where(Mention.person == duplicate_pk).execute()
        touch_claims(Claim.claimant == duplicate_pk)
        touch_events(Event.id.in_(_events_of(duplicate_pk)))
        Claim.update(claimant=pk).where(Claim.claimant == duplicate_pk).execute()
        already = EventParticipant.select(EventParticipant.event).where(EventParticipant.person == pk)
        EventParticipant.update(person=pk).where(
            (EventParticipant.person == duplicate_pk) & EventParticipant.event.not_in(already)).execute()
        changes = {"aliases": aliases_text(person.name, aliases)}
        if not person.description and duplicate.description:
            changes["description"] = duplicate.description
        if not person.wikidata_id and duplicate.wikidata_id:
            changes["wikidata_id"] = duplicate.wikidata_id
        save_changes(person, changes, if_match=if_match)
        index_names(person)
        Person.delete().where(Person.id == duplicate_pk).execute()
        audit.record(actor, "merge", "person", pk, duplicate=duplicate_pk)
        # Built inside the transaction: once it commits, nothing is left that could fail.
        return _written(pk)
