"""Loading an export back (`claimtrack import`): into an empty database, in one transaction.

Takes records already validated line by line (`schemas.exports.parse_lines`: shapes, types,
enums) and applies what needs the database or other lines: references must name rows defined
on earlier lines (the export's order), every span is resolved against its source's text by the
one resolver (`api.domain.spans.resolve_span`: offsets inside the text, `exact` equal to the
text there; prefix and suffix recomputed), a source text must be one the API would store.
Derived data is rebuilt (name tokens, text hashes and lengths, full-text indexes). A bad
record raises Invalid naming its line and field, and nothing is stored.
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Iterable

import peewee

from api.db import database, is_postgres
from api.domain.errors import Conflict, Invalid
from api.domain.ids import encode_id
from api.domain.spans import SpanError, resolve_span
from api.domain.text import UnstorableText, normalize_source_text, text_sha256, utf16_length
from api.models import (
    Appearance, Claim, ClaimEvent, ClaimTag, Event, EventParticipant, Evidence, ImportedReview, Mention, Person,
    Source, Verdict,
)
from api.services.people import index_names
from api.services.spans import stored_span

BATCH = 1000  # rows buffered before an insert
# The export's line types, in order (api.services.exports.EXPORTED).
KINDS = ("source", "person", "event", "mention", "claim", "verdict", "imported_review")
# Parents before children, so every foreign key points at a row already inserted.
INSERT_ORDER = (Source, Person, Event, EventParticipant, Mention, Claim, Appearance, ClaimTag, ClaimEvent,
                Verdict, Evidence, ImportedReview)
WITH_PUBLIC_IDS = (Source, Person, Event, Mention, Claim, Verdict)
_MAX_PARAMETERS = 10_000  # per INSERT; SQLite allows 32,766 and PostgreSQL 65,535
_MAX_BUFFERED_CHARS = 16_000_000
_CACHED_TEXTS = 64  # source texts kept for resolving spans; an export names sources in order


class _Refused(ValueError):
    """A record breaks a rule; `field` names where (`appearances.0.exact`)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


class _Loader:
    """Buffers rows per table and inserts them in batches, parents first.

    References must name rows defined on earlier lines (the export's order); a claim's
    latest verdict, which comes later, is checked at the end.
    """

    def __init__(self):
        self.rows = {model: [] for model in INSERT_ORDER}
        self.buffered_chars = 0
        self.seen = {model.__name__.lower(): set() for model in WITH_PUBLIC_IDS}
        self.review_urls: set[str] = set()  # an imported review's key (it has no public id)
        self.people: list[Person] = []  # to index their names once inserted
        self.latest_verdicts: dict[int, int] = {}  # verdict id → line naming it
        self.counts: Counter = Counter()
        self.pending_texts: dict[int, str] = {}  # texts of sources buffered, not inserted yet
        self.texts: dict[int, str] = {}

    def need(self, kind: str, pk: int | None, field: str) -> None:
        if pk is not None and pk not in self.seen[kind]:
            raise _Refused(f"{field} {encode_id(kind, pk)} is not defined on an earlier line")

    def _text(self, source_id: int) -> str:
        text = self.pending_texts.get(source_id) or self.texts.get(source_id)
        if text is None:
            if len(self.texts) >= _CACHED_TEXTS:
                self.texts.clear()
            text = self.texts[source_id] = Source.select(Source.text).where(Source.id == source_id).scalar()
        return text

    def span(self, values: dict, field: str | None) -> dict:
        """The stored span columns of an imported span, through the one resolver; `field`
        names the span in its line (None: the line is the span)."""
        try:
            found = resolve_span(self._text(values["source"]), start=values["start"], end=values["end"],
                                 exact=values["exact"])
        except SpanError as error:
            where = ".".join(part for part in (field, error.field if error.field != "span" else None) if part)
            raise _Refused(error.message, where or None) from None
        return {**values, **stored_span(found)}

    def add(self, number: int, kind: str, pk: int | None, values: dict) -> None:
        """Buffer one record; `pk` None for a type without a public id (an imported review)."""
        if pk is not None and pk in self.seen[kind]:
            raise _Refused(f"{encode_id(kind, pk)} is defined twice")
        getattr(self, "_add_" + kind)(pk, values, number)
        if pk is not None:
            self.seen[kind].add(pk)
        self.counts[kind] += 1
        if sum(map(len, self.rows.values())) >= BATCH or self.buffered_chars >= _MAX_BUFFERED_CHARS:
            self.flush()

    def _add_source(self, pk, values, number):
        text = values["text"]
        try:
            if normalize_source_text(text) != text:
                raise _Refused("text starts with a byte-order mark, which is never stored")
        except UnstorableText as error:
            raise _Refused(str(error), "text") from None
        self.rows[Source].append({**values, "id": pk, "text_sha256": text_sha256(text), "length": len(text),
                                  "length_utf16": utf16_length(text)})
        self.pending_texts[pk] = text
        self.buffered_chars += len(text)

    def _add_person(self, pk, values, number):
        person = {**values, "id": pk, "aliases": "\n".join(values["aliases"])}
        self.rows[Person].append(person)
        self.people.append(Person(id=pk, name=person["name"], aliases=person["aliases"]))

    def _add_event(self, pk, values, number):
        participants = values.pop("participants")
        for person in participants:
            self.need("person", person, "participant")
        self.rows[Event].append({**values, "id": pk})
        self.rows[EventParticipant] += [{"event": pk, "person": person} for person in participants]

    def _add_mention(self, pk, values, number):
        if (values["person"] is None) == (values["event"] is None):
            raise _Refused("a mention names exactly one of person and event")
        self.need("source", values["source"], "source")
        self.need("person", values["person"], "person")
        self.need("event", values["event"], "event")
        self.rows[Mention].append({**self.span(values, None), "id": pk})

    def _add_claim(self, pk, values, number):
        tags, events, appearances = values.pop("tags"), values.pop("events"), values.pop("appearances")
        self.need("person", values["claimant"], "claimant")
        for event in events:
            self.need("event", event, "event")
        for span in appearances:
            self.need("source", span["source"], "appearance source")
        appearances = [self.span(span, f"appearances.{index}") for index, span in enumerate(appearances)]
        latest = values.pop("latest_verdict")
        if latest is not None:
            self.latest_verdicts.setdefault(latest, number)
        self.rows[Claim].append({**values, "id": pk, "latest_verdict_id": latest})
        self.rows[ClaimTag] += [{"claim": pk, "tag": tag} for tag in tags]
        self.rows[ClaimEvent] += [{"claim": pk, "event": event} for event in events]
        self.rows[Appearance] += [{**span, "claim": pk} for span in appearances]

    def _add_imported_review(self, pk, values, number):
        """Another desk's review, inserted with a new key (it has none outside): claim and source
        as written, appearances stored as the claimreview import stores them."""
        if values["review_url"] in self.review_urls:
            raise _Refused(f"the review {values['review_url']} is defined twice", "review_url")
        self.need("claim", values["claim"], "claim")
        self.need("source", values["source"], "source")
        self.review_urls.add(values["review_url"])
        self.rows[ImportedReview].append({**values, "appearances": json.dumps(values["appearances"], sort_keys=True)})

    def _add_verdict(self, pk, values, number):
        evidence = values.pop("evidence")
        self.need("claim", values["claim"], "claim")
        for index, item in enumerate(evidence):
            self.need("source", item["source"], "evidence source")
            if item["source"] is not None:
                evidence[index] = self.span(item, f"evidence.{index}")
        self.rows[Verdict].append({**values, "id": pk, "reviewer": None})
        self.rows[Evidence] += [{**item, "verdict": pk} for item in evidence]

    def flush(self) -> None:
        for model in INSERT_ORDER:
            rows, self.rows[model] = self.rows[model], []
            per_insert = max(1, _MAX_PARAMETERS // (len(rows[0]) if rows else 1))
            for start in range(0, len(rows), per_insert):
                model.insert_many(rows[start:start + per_insert]).as_rowcount().execute()
            if model is Person:
                for person in self.people:
                    index_names(person)  # the people service's own rules for name lookup
                self.people = []
        self.buffered_chars = 0
        self.pending_texts = {}

    def finish(self) -> None:
        self.flush()
        dangling = {pk: n for pk, n in self.latest_verdicts.items() if pk not in self.seen["verdict"]}
        if dangling:
            pk, number = min(dangling.items(), key=lambda item: item[1])
            raise Invalid("latest_verdict", f"line {number} (claim): latest_verdict {encode_id('verdict', pk)} "
                                            "is not in the file", line=number)


def _refuse_unless_empty() -> None:
    filled = [model.__name__.lower() for model in WITH_PUBLIC_IDS if model.select().exists()]
    if filled:
        raise Conflict(f"The database already holds data ({', '.join(filled)}): import only into an empty one.",
                       slug="not-empty")


def _advance_sequences() -> None:
    """PostgreSQL sequences do not see explicit ids: move each past the largest imported one
    (never back, so ids of rows deleted before the import stay unused). SQLite's
    AUTOINCREMENT keeps sqlite_sequence up to date by itself on explicit-id inserts."""
    if not is_postgres():
        return
    for model in WITH_PUBLIC_IDS:
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(s.seq, m.top) FROM (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) s, "
            f'(SELECT MAX(id) AS top FROM "{table}") m WHERE m.top > COALESCE(pg_sequence_last_value(s.seq), 0)',
            (table,))


PROGRESS_EVERY = 1000  # records between two calls of import_records' `progress`


def import_records(records: Iterable[tuple[int, str, int | None, dict]], progress=None) -> dict[str, int]:
    """Load (line number, type, key, fields) records, as `schemas.exports.parse_lines` gives
    them, into an empty database in one transaction; counts per type. `progress(line_number)`,
    if given, is called every PROGRESS_EVERY records.

    Raises Invalid naming the line (and field) of a bad record, Conflict for a database that
    already holds data; either way nothing is stored."""
    loader = _Loader()
    with database.atomic():
        _refuse_unless_empty()
        number = 0
        try:
            for seen, (number, kind, pk, values) in enumerate(records, start=1):
                if progress is not None and seen % PROGRESS_EVERY == 0:
                    progress(number)
                try:
                    loader.add(number, kind, pk, values)
                except _Refused as error:
                    raise Invalid(error.field, f"line {number} ({kind}): {error}", line=number) from None
            loader.finish()
        except peewee.IntegrityError as error:
            raise Invalid(None, f"line {number} or a line shortly before it: the database refused it ({error})",
                          line=number) from None
        _advance_sequences()
    return {kind: loader.counts[kind] for kind in KINDS}
