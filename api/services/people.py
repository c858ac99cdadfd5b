"""People: names, aliases, mentions; lookup by any alias ignoring case and accents."""
from __future__ import annotations

from api.db import database
from api.domain.text import name_tokens, prefix_upper_bound, search_words, variant_key
from api.errors import Problem
from api.models import Claim, Event, EventParticipant, Mention, Person, PersonNameToken
from api.pagination import Page, paginate
from api.services import audit
from api.services.common import (
    check_etag, full_text_match, get_or_404, require_existing, save_changes, time_filters, touch_claims, touch_events,
)
from api.services.mentions import attach_mentions, replace_mentions


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


def create_person(data: dict, *, offsets: str, origin: str = "manual") -> Person:
    with database.atomic():
        person = Person.create(
            name=data["name"].strip(), aliases=aliases_text(data["name"].strip(), data.get("aliases", [])),
            description=data.get("description"), wikidata_id=data.get("wikidata_id"), origin=origin,
        )
        index_names(person)
        replace_mentions("person", person.id, data.get("mentions", []), offsets=offsets, origin=origin)
        audit.record("create", "person", person.id, origin=origin)
    return get_person(person.id, offsets=offsets)


def get_person(pk: int | None, public_id: str = "", *, offsets: str) -> Person:
    person = get_or_404(Person, pk, public_id)
    attach_mentions("person", [person], offsets=offsets)
    return person


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


def list_people(filters: dict, *, sort: str, cursor: str | None, limit: int, offsets: str) -> Page:
    query = Person.select()
    if filters.get("name"):
        query = query.where(name_match(filters["name"]))
    if filters.get("q"):
        query = query.where(full_text_match(Person, filters["q"]))
    if filters.get("wikidata_id"):
        query = query.where(Person.wikidata_id == filters["wikidata_id"])
    query = time_filters(query, Person, filters)
    page = paginate(query, sort=sort, cursor=cursor, limit=limit)
    attach_mentions("person", page.items, offsets=offsets)
    return page


def update_person(pk: int, public_id: str, changes: dict, *, offsets: str) -> Person:
    with database.atomic():
        person = get_or_404(Person, pk, public_id)
        mentions = changes.pop("mentions", None)
        name = changes.get("name", person.name).strip()
        if "name" in changes:
            changes["name"] = name
        if "aliases" in changes or "name" in changes:
            aliases = changes.get("aliases", person.alias_list)
            changes["aliases"] = aliases_text(name, aliases)
        save_changes(person, changes)
        index_names(person)
        if "name" in changes:
            touch_claims(Claim.claimant == pk)
            touch_events(Event.id.in_(_events_of(pk)))
        if mentions is not None:
            replace_mentions("person", person.id, mentions, offsets=offsets)
        audit.record("update", "person", pk, fields=sorted(changes) + (["mentions"] if mentions is not None else []))
    return get_person(pk, offsets=offsets)


def delete_person(pk: int, public_id: str) -> None:
    with database.atomic():
        person = get_or_404(Person, pk, public_id)
        check_etag(person)
        touch_claims(Claim.claimant == pk)  # they lose their claimant
        touch_events(Event.id.in_(_events_of(pk)))  # and their events a participant
        Person.delete().where(Person.id == pk).execute()
        audit.record("delete", "person", pk)


def merge_people(pk: int, public_id: str, duplicate_pk: int, *, offsets: str) -> Person:
    """Fold a duplicate into this person: its names, mentions, claims and events move here."""
    with database.atomic():
        person = get_or_404(Person, pk, public_id)
        if pk == duplicate_pk:
            raise Problem(422, "A person cannot be merged into itself.", slug="validation",
                          errors={"duplicate": ["must differ from the person merged into"]})
        require_existing(Person, [duplicate_pk], "duplicate")
        duplicate = Person.get_by_id(duplicate_pk)
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
        save_changes(person, changes)
        index_names(person)
        Person.delete().where(Person.id == duplicate_pk).execute()
        audit.record("merge", "person", pk, duplicate=duplicate_pk)
    return get_person(pk, offsets=offsets)
