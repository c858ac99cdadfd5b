"""Running the extraction pipeline on a stored source and keeping what it proposes.

Run as a job (`submit_extraction`, then `extract_in_job` in a worker). Proposals are stored as
`origin: extracted` (claims `unreviewed`). Running again adds nothing twice, and nothing a human created or reviewed is changed: extracted people resolve to stored
people by alias, extracted events to stored events (api.domain.events.same_event: kind, name,
date within a day, place), and a proposed claim overlapping any claim already anchored there is
skipped. A claim is linked to the events its span mentions.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from peewee import fn

from api.domain.errors import Invalid, TooLarge
from api.domain.ids import decode_id, encode_id
from api.domain.events import event_name_key, same_event
from api.domain.spans import resolve_span
from api.domain.text import name_tokens
from api.domain.vocabulary import DEFAULT_SOURCE_KIND, EXTRACTED
from api.extraction import MAX_CHARS, ExtractionInputError, ExtractionResult, KnownPerson, TextTooLong, extract
from api.models import Appearance, Claim, ClaimEvent, Event, EventParticipant, Mention, Person, PersonNameToken, Source
from api.services import audit, jobs, matching, outbox
from api.services.claims import CLAIMS_PATH, ClaimDetails, written_claims
from api.services.common import get_locked_or_404, get_or_404, save_changes, touch_claims
from api.services.people import aliases_text, index_names
from api.services.spans import stored_span

ORIGIN = EXTRACTED


@dataclass
class ExtractionSummary:
    """What one run stored."""

    people: list[Person] = field(default_factory=list)   # created
    matched_people: list[Person] = field(default_factory=list)  # stored people the text mentions
    events: list[Event] = field(default_factory=list)  # created
    claims: list[ClaimDetails] = field(default_factory=list)  # candidate claims created
    linked: list[int] = field(default_factory=list)  # keys of stored claims given a new appearance (matching)
    mentions: int = 0  # person and event mentions added


@dataclass(frozen=True)
class Proposals:
    """What the pipeline proposes for a text, and the stored people it was resolved against."""

    known: dict[str, Person]
    result: ExtractionResult


def _known_people(text: str) -> dict[str, Person]:
    """Stored people sharing a name word with the text (the only ones it can mention), by key."""
    words = sorted(name_tokens(text))
    if not words:
        return {}
    ids = PersonNameToken.select(PersonNameToken.person).where(PersonNameToken.token.in_(words))
    return {str(p.id): p for p in Person.select().where(Person.id.in_(ids))}


def _span(text: str, start: int, end: int) -> dict:
    return stored_span(resolve_span(text, start=start, end=end))


def _store_mentions(text: str, source_id: int, owner: str, owner_id: int, mentions) -> int:
    existing = {(m.start, m.end) for m in Mention.select(Mention.start, Mention.end)
                .where((Mention.source == source_id) & (getattr(Mention, owner) == owner_id))}
    rows = [{**_span(text, m.start, m.end), "source": source_id, owner: owner_id, "origin": ORIGIN}
            for m in mentions if (m.start, m.end) not in existing]
    if rows:
        Mention.insert_many(rows).execute()
    return len(rows)


def _matching_event(event) -> Event | None:
    """The stored event this extracted one is (same kind and name, dates within a day, same
    place: api.domain.events.same_event), the oldest when several are; None when none is."""
    key = event_name_key(event.name)
    if not key:
        return None
    # Names are compared folded; the query narrows by kind and by the name's first word.
    first = key.split()[0]
    candidates = (Event.select().where((Event.kind == event.kind) & fn.LOWER(Event.name).contains(first))
                  .order_by(Event.id))
    generic = frozenset({event_name_key(event.kind.replace("_", " "))} if event.kind else ())
    for stored in candidates:
        if same_event(event.kind, event.name, event.starts_at, event.location,
                      stored.kind, stored.name, stored.starts_at, stored.location, generic_names=generic):
            changes = {}
            if not stored.starts_at and event.starts_at:
                changes["starts_at"] = event.starts_at
            if not stored.location and event.location:
                changes["location"] = event.location
            if changes:  # what this source adds to what the other knew
                save_changes(stored, changes)
            return stored
    return None


def _store(source, result: ExtractionResult, known: dict[str, Person], actor: audit.Actor) -> ExtractionSummary:
    text, summary = source.text, ExtractionSummary()
    person_ids: dict[str, int] = {}
    for person in result.people:
        if person.known_key is not None:
            stored = known[person.known_key]
            summary.matched_people.append(stored)
        else:
            stored = Person.create(name=person.name, aliases=aliases_text(person.name, person.aliases), origin=ORIGIN)
            index_names(stored)
            audit.record(actor, "create", "person", stored.id, origin=ORIGIN)
            summary.people.append(stored)
        person_ids[person.key] = stored.id
        summary.mentions += _store_mentions(text, source.id, "person", stored.id, person.mentions)

    # An event this source already mentions (an earlier run) is the same event by name alone.
    mentioned_events = Event.select().where(Event.id.in_(
        Mention.select(Mention.event).where((Mention.source == source.id) & Mention.event.is_null(False))))
    by_name = {event_name_key(e.name): e for e in mentioned_events}
    event_ids: dict[str, int] = {}
    for event in result.events:
        stored = by_name.get(event_name_key(event.name)) or _matching_event(event)
        if stored is None:
            stored = Event.create(name=event.name, kind=event.kind, starts_at=event.starts_at,
                                  location=event.location, origin=ORIGIN)
            audit.record(actor, "create", "event", stored.id, origin=ORIGIN)
            summary.events.append(stored)
        event_ids[event.key] = stored.id
        taking_part = {p.person_id for p in EventParticipant.select().where(EventParticipant.event == stored.id)}
        new = [person_ids[k] for k in dict.fromkeys(event.participants) if k in person_ids
               and person_ids[k] not in taking_part]
        if new:
            EventParticipant.insert_many([{"event": stored.id, "person": p} for p in new]).execute()
        summary.mentions += _store_mentions(text, source.id, "event", stored.id, event.mentions)

    anchored = [(a.start, a.end) for a in Appearance.select(Appearance.start, Appearance.end)
                .where(Appearance.source == source.id)]
    claims = []
    for claim in result.claims:
        if any(claim.start < end and start < claim.end for start, end in anchored):
            continue  # already claimed here, by a human or an earlier run
        if _link_to_known_claim(source, claim, actor, summary):
            anchored.append((claim.start, claim.end))
            continue
        stored = Claim.create(text=claim.text.strip(), claimant=person_ids.get(claim.claimant),
                              checkworthiness=round(claim.checkworthiness, 3), origin=ORIGIN)
        Appearance.create(claim=stored.id, source=source.id, **_span(text, claim.start, claim.end))
        linked = list(dict.fromkeys(event_ids[k] for k in claim.events if k in event_ids))
        if linked:
            ClaimEvent.insert_many([{"claim": stored.id, "event": e} for e in linked]).execute()
        audit.record(actor, "create", "claim", stored.id, origin=ORIGIN)
        outbox.emit_resource("claim.created", "claim", stored.id, CLAIMS_PATH, origin=ORIGIN)
        anchored.append((claim.start, claim.end))
        claims.append(stored)
    summary.claims = written_claims(claims)
    return summary


def _link_to_known_claim(source, claim, actor: audit.Actor, summary: ExtractionSummary) -> bool:
    """When the best stored match of the proposed claim is close enough (matching.links_to: score
    ≥ 0.96 and cosine ≥ 0.65), add this span as a new appearance of it (audited: action "link",
    with the score) instead of a duplicate claim; True if so. Otherwise the proposal becomes a
    claim of its own, and GET /v1/claims/{id}/matches lists its candidates."""
    best = matching.best_match(claim.text)
    if not matching.links_to(best):
        return False
    known, score, _ = best
    appearance = Appearance.create(claim=known, source=source.id, **_span(source.text, claim.start, claim.end))
    touch_claims(Claim.id == known)
    audit.record(actor, "link", "claim", known, source=encode_id("source", source.id),
                 start=appearance.start, end=appearance.end, score=round(score, 4), text=claim.text.strip())
    summary.linked.append(known)
    return True


def _too_long(error: TextTooLong) -> TooLarge:
    return TooLarge(f"{error}: split the text into several sources to extract from it.",
                    slug="text-too-long-to-extract")


def check_extractable_length(text: str) -> None:
    """TooLarge when the text is over the pipeline's limit (api.extraction.MAX_CHARS): checked
    before a job is started, so such a request stores nothing."""
    if len(text) > MAX_CHARS:
        raise _too_long(TextTooLong(len(text), MAX_CHARS))


def _extract(text: str, known: dict[str, Person], kind: str) -> ExtractionResult:
    try:
        return extract(text, [KnownPerson(key=k, name=p.name, aliases=p.alias_list) for k, p in known.items()],
                       kind=kind)
    except TextTooLong as error:
        raise _too_long(error) from None
    except ExtractionInputError as error:
        raise Invalid(None, str(error), slug="cannot-extract") from None


def propose(text: str, kind: str = DEFAULT_SOURCE_KIND) -> Proposals:
    """Run the pipeline on a text of this source kind (a transcript's speakers are read),
    resolving people against those stored. Call outside any write transaction: the model's
    work needs no lock on the database.

    Raises TooLarge (text over the pipeline's limit) or Invalid (text it cannot process)."""
    known = _known_people(text)
    return Proposals(known, _extract(text, known, kind))


def store_proposals(source: Source, proposals: Proposals, *, actor: audit.Actor) -> ExtractionSummary:
    """Keep what `propose` found in `source`. Call inside the transaction, with the source
    locked (concurrent runs on one source take turns; the later one sees what the first stored)."""
    known, result = proposals.known, proposals.result
    stored_now = _known_people(source.text)
    if stored_now.keys() != known.keys():
        # People were added, merged or deleted meanwhile (by a concurrent run, say):
        # resolve against what is stored now rather than create anyone twice.
        known, result = stored_now, _extract(source.text, stored_now, source.kind)
    summary = _store(source, result, known, actor)
    audit.record(actor, "extract", "source", source.id, people=len(summary.people), events=len(summary.events),
                 claims=len(summary.claims), mentions=summary.mentions)
    outbox.emit_resource("extraction.completed", "source", source.id, "/v1/sources",
                         claims=[encode_id("claim", d.claim.id) for d in summary.claims],
                         people=[encode_id("person", p.id) for p in summary.people],
                         events=[encode_id("event", e.id) for e in summary.events], mentions=summary.mentions)
    return summary


def summary_ids(source_id: int, summary: ExtractionSummary) -> dict:
    """What a run stored, as the public ids a job's result shows (summary_from_ids reads it back)."""
    return {"source": encode_id("source", source_id),
            "people": [encode_id("person", p.id) for p in summary.people],
            "matched_people": [encode_id("person", p.id) for p in summary.matched_people],
            "events": [encode_id("event", e.id) for e in summary.events],
            "claims": [encode_id("claim", c.claim.id) for c in summary.claims],
            "linked_claims": [encode_id("claim", pk) for pk in summary.linked],
            "mentions": summary.mentions}


def summary_from_ids(result: dict) -> ExtractionSummary:
    """The ExtractionSummary a job's result (summary_ids) names, read back from the database
    (rows deleted since are left out)."""
    def rows(model, kind, ids):
        keys = [decode_id(kind, i) for i in ids]
        found = {r.id: r for r in model.select().where(model.id.in_(keys))} if keys else {}
        return [found[k] for k in keys if k in found]
    return ExtractionSummary(
        people=rows(Person, "person", result.get("people", [])),
        matched_people=rows(Person, "person", result.get("matched_people", [])),
        events=rows(Event, "event", result.get("events", [])),
        claims=written_claims(rows(Claim, "claim", result.get("claims", []))),
        linked=[decode_id("claim", i) for i in result.get("linked_claims", [])],
        mentions=result.get("mentions", 0))


EXTRACTION_JOB = "extraction"  # the job kind (api/jobs/kinds/extraction.py)


def submit_extraction(pk: int, *, actor: audit.Actor, role: str | None = None):
    """Start an extraction job for a stored source; returns the Job row. NotFound (no such
    source) and TooLarge (over the pipeline's limit) are raised here, before any job exists."""
    source = get_or_404(Source, pk)
    check_extractable_length(source.text)
    return jobs.submit(EXTRACTION_JOB, {"source_id": pk}, actor=actor, role=role, total=1)


def extract_in_job(run, source_pk: int) -> None:
    """The extraction job (api/jobs/kinds/extraction.py): the pipeline outside any transaction,
    then what it proposes stored in one transaction with the job's success (a killed run stores
    nothing). NotFound, TooLarge, Invalid fail the job."""
    source = get_or_404(Source, source_pk)
    proposals = propose(source.text, source.kind)
    matching.current_matcher()  # built or refreshed here, not while the transaction holds locks
    with run.atomic():
        summary = store_proposals(get_locked_or_404(Source, source_pk), proposals, actor=run.actor)
        # The new claims' matching data, committed with them (5-10 ms a claim).
        matching.embed_claims([d.claim.id for d in summary.claims])
        run.succeed(summary_ids(source_pk, summary), done=1)
