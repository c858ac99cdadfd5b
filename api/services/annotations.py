"""Everything anchored in one source, sorted by position: what a frontend highlights."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, SQL

from api.db import database
from api.models import Appearance, Claim, Event, Evidence, Mention, Person, Verdict
from api.models.prepared import PreparedQuery
from api.services import keys
from api.services.sources import require_source


@dataclass(frozen=True)
class Annotation:
    """One span (code points) of the source and what it belongs to.

    kind 'claim': `span` is an Appearance (its claim's id, text, status loaded); 'person' and
    'event': a Mention (the person's or event's id and name); 'evidence': an Evidence row (its
    verdict's id, claim and rating)."""

    kind: str
    span: object

    @property
    def key(self) -> tuple[str, int]:
        """(kind, id of the span's row): what annotation_versions keys each version by."""
        return self.kind, self.span.id


def _order(kind: str, row_id: int, start: int, end: int) -> tuple:
    # Ties (same span, same kind) by the row's id, so that a list read and a list built agree.
    return start, end, kind, row_id


# What each annotation shows besides its immutable span text, read without the text: the
# span's offsets and the version (and updated_at, which tells apart a row that took a deleted
# row's id on SQLite) of what it belongs to. Verdicts and evidence never change, but a claim
# merge moves verdicts to another claim.
_NULL = SQL("NULL")
_CLAIM, _MENTION, _EVIDENCE = 0, 1, 2


def _versions(pk, key_id=None):
    """One statement (UNION ALL) for the three kinds of span, each row (kind, id, start, end, what
    it belongs to), padded with NULLs to one width: a claim appearance (claim id, version,
    updated_at); a mention (person id, version, updated_at, event id, version, updated_at); evidence
    (verdict id, the verdict's claim). With `key_id`, the key's active hash last (keys.confirmed_read)."""
    key = [keys.active_hash_of(key_id)] if key_id is not None else []
    appearances = Appearance.select(
        SQL(str(_CLAIM)), Appearance.id, Appearance.start, Appearance.end, Claim.id, Claim.version,
        Claim.updated_at, _NULL, _NULL, _NULL, *key).join(Claim).where(Appearance.source == pk)
    mentions = Mention.select(
        SQL(str(_MENTION)), Mention.id, Mention.start, Mention.end, Mention.person, Person.version,
        Person.updated_at, Mention.event, Event.version, Event.updated_at, *key) \
        .join(Person, on=(Mention.person == Person.id), join_type=JOIN.LEFT_OUTER) \
        .switch(Mention).join(Event, on=(Mention.event == Event.id), join_type=JOIN.LEFT_OUTER) \
        .where(Mention.source == pk)
    evidence = Evidence.select(
        SQL(str(_EVIDENCE)), Evidence.id, Evidence.start, Evidence.end, Verdict.id, Verdict.claim,
        _NULL, _NULL, _NULL, _NULL, *key).join(Verdict).where(Evidence.source == pk)
    return (appearances + mentions + evidence).tuples()


# One prepared query for both forms: its shapes are kept by the number of arguments.
_annotation_versions = PreparedQuery(_versions)


def _kind(row: tuple) -> str:
    if row[0] == _MENTION:
        return "person" if row[4] is not None else "event"
    return "claim" if row[0] == _CLAIM else "evidence"


def annotation_versions(pk: int, key: keys.KeyCheck | None = None) -> list[tuple[tuple[str, int], tuple]]:
    """The source's annotations as ((kind, row id), version) in the order source_annotations gives
    them, read in one prepared statement without any text: an annotation's version changes
    whenever what it shows does (its span; its claim's text or status, which bump the claim's
    version; its person's or event's name, which bump theirs; its verdict's claim). The
    database is part of each version (an import into another keeps ids, versions and
    timestamps). With `key`, the same statement confirms the caller's API key (Unauthenticated
    once revoked). NotFound if there is no such source."""
    db = database.obj
    found = [(_order(kind, row[1], row[2], row[3]), (kind, row[1]), (db, *row))
             for row in keys.confirmed_read(key, _annotation_versions, _annotation_versions, pk)
             for kind in (_kind(row),)]
    if not found:
        require_source(pk)
    found.sort(key=lambda item: item[0])
    return [(key, version) for _, key, version in found]


def source_annotations(pk: int) -> list[Annotation]:
    """Claim appearances (with status), person and event mentions, and evidence (with stance),
    sorted by (start, end, kind, row id). Three queries whatever the number of spans; a source
    that does not exist has none (annotation_versions, read first, raises NotFound for it)."""
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
    return sorted(annotations, key=lambda a: _order(a.kind, a.span.id, a.span.start, a.span.end))
