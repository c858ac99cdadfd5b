"""Exports: the whole database as NDJSON and back again, and claims as a CSV spreadsheet.

An export line is one JSON object: {"type": "source"|"person"|"event"|"mention"|"claim"|
"verdict", "id": public id, ...fields}, in dependency order, links (participants, tags,
appearances, evidence) inlined in their owner's line. Derived data is left out and rebuilt
on import (name tokens, text hashes and lengths, full-text indexes); so are secrets (API
keys, idempotency records) and the audit trail. Import keeps ids, timestamps and versions,
so every URL and ETag a client holds stays valid in the new database.
"""
from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Callable, Iterable, Iterator

import peewee
from marshmallow import ValidationError

from api.db import database, is_postgres
from api.domain.ids import decode_id, encode_id
from api.domain.spreadsheet import spreadsheet_cell
from api.domain.tags import TAG_SEPARATOR
from api.domain.text import UnstorableText, normalize_source_text, text_sha256, utf16_length
from api.models import (
    Appearance, Claim, ClaimEvent, ClaimTag, Event, EventParticipant, Evidence, Mention, Person, Source, Verdict,
)
from api.pagination import paginate
from api.services.claims import attach_details, claims_query
from api.services.people import index_names
from schemas.common import Timestamp, parse_timestamp

BATCH = 1000
SOURCE_BATCH = 50  # source texts can be megabytes each: fewer per batch keeps memory flat
_TIMESTAMP = Timestamp()
# JSON leaves these raw inside strings, but str.splitlines() and some NDJSON readers split
# lines on them: escaped, a line of the export is always exactly one object.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _stamp(row, name: str) -> str | None:  # row: a model or a dict
    return _TIMESTAMP.serialize(name, row)


@lru_cache(maxsize=65_536)  # encoding is the export's hot spot; sources and people recur on many lines
def _ref(kind: str, pk: int | None) -> str | None:
    return None if pk is None else encode_id(kind, pk)


# ---- export ----------------------------------------------------------------------------

def _versioned(row: dict) -> dict:
    return {"created_at": _stamp(row, "created_at"), "updated_at": _stamp(row, "updated_at"), "version": row["version"]}


def _span(row: dict) -> dict:
    return {"source": _ref("source", row["source"]), "start": row["start"], "end": row["end"],
            "exact": row["exact"], "prefix": row["prefix"], "suffix": row["suffix"]}


def _links(model, owner, ids: list[int]) -> dict[int, list[dict]]:
    """A batch's link rows (one query), by owner id, in insertion order."""
    grouped = defaultdict(list)
    for row in model.select().where(owner.in_(ids)).order_by(model.id).dicts():
        grouped[row[owner.name]].append(row)
    return grouped


def _source_lines(sources: list[dict]) -> Iterator[dict]:
    for s in sources:
        yield {"type": "source", "id": _ref("source", s["id"]), "kind": s["kind"], "title": s["title"],
               "url": s["url"], "publisher": s["publisher"], "author": s["author"],
               "published_at": s["published_at"], "language": s["language"], "text": s["text"], **_versioned(s)}


def _person_lines(people: list[dict]) -> Iterator[dict]:
    for p in people:
        yield {"type": "person", "id": _ref("person", p["id"]), "name": p["name"],
               "aliases": Person(aliases=p["aliases"]).alias_list, "description": p["description"],
               "wikidata_id": p["wikidata_id"], "origin": p["origin"], **_versioned(p)}


def _event_lines(events: list[dict]) -> Iterator[dict]:
    participants = _links(EventParticipant, EventParticipant.event, [e["id"] for e in events])
    for e in events:
        yield {"type": "event", "id": _ref("event", e["id"]), "name": e["name"], "kind": e["kind"],
               "description": e["description"], "starts_at": e["starts_at"], "ends_at": e["ends_at"],
               "location": e["location"], "origin": e["origin"],
               "participants": [_ref("person", link["person"]) for link in participants[e["id"]]], **_versioned(e)}


def _mention_lines(mentions: list[dict]) -> Iterator[dict]:
    for m in mentions:
        yield {"type": "mention", "id": _ref("mention", m["id"]), **_span(m), "person": _ref("person", m["person"]),
               "event": _ref("event", m["event"]), "origin": m["origin"]}


def _claim_lines(claims: list[dict]) -> Iterator[dict]:
    ids = [c["id"] for c in claims]
    tags, events = _links(ClaimTag, ClaimTag.claim, ids), _links(ClaimEvent, ClaimEvent.claim, ids)
    appearances = _links(Appearance, Appearance.claim, ids)
    for c in claims:
        yield {"type": "claim", "id": _ref("claim", c["id"]), "text": c["text"],
               "claimant": _ref("person", c["claimant"]), "status": c["status"], "origin": c["origin"],
               "checkworthiness": c["checkworthiness"], "latest_verdict": _ref("verdict", c["latest_verdict_id"]),
               "tags": [link["tag"] for link in tags[c["id"]]],
               "events": [_ref("event", link["event"]) for link in events[c["id"]]],
               "appearances": [_span(a) for a in appearances[c["id"]]], **_versioned(c)}


def _verdict_lines(verdicts: list[dict]) -> Iterator[dict]:
    evidence = _links(Evidence, Evidence.verdict, [v["id"] for v in verdicts])
    for v in verdicts:
        # The reviewer's key is not exported (keys are secrets): its name is kept.
        yield {"type": "verdict", "id": _ref("verdict", v["id"]), "claim": _ref("claim", v["claim"]),
               "rating": v["rating"], "rationale": v["rationale"], "reviewer_name": v["reviewer_name"],
               "created_at": _stamp(v, "created_at"),
               "evidence": [{"stance": e["stance"], "source": _ref("source", e["source"]), "start": e["start"],
                             "end": e["end"], "exact": e["exact"], "prefix": e["prefix"], "suffix": e["suffix"],
                             "url": e["url"], "quote": e["quote"]} for e in evidence[v["id"]]]}


EXPORTED = ((Source, _source_lines), (Person, _person_lines), (Event, _event_lines), (Mention, _mention_lines),
            (Claim, _claim_lines), (Verdict, _verdict_lines))


def _batches(model, size: int) -> Iterator[list[dict]]:
    """Keyset batches by id, as plain dicts (model objects cost more than the rest of the
    export): the same cost for the first batch and the last, memory flat."""
    last_id = None
    while True:
        query = model.select() if last_id is None else model.select().where(model.id > last_id)
        rows = list(query.order_by(model.id).limit(size).dicts())
        if rows:
            yield rows
        if len(rows) < size:
            return
        last_id = rows[-1]["id"]


def _read_snapshot():
    """One consistent view for a multi-query read: rows written meanwhile are not half in it.

    SQLite: a deferred transaction reads one WAL snapshot without taking the write lock that
    this app's default BEGIN IMMEDIATE would (writers carry on). PostgreSQL: repeatable read.
    """
    return database.atomic("REPEATABLE READ") if is_postgres() else database.atomic("DEFERRED")


def export_counts() -> dict[str, int]:
    """How many lines an export will have, per type (for a progress bar)."""
    return {model.__name__.lower(): model.select().count() for model, _ in EXPORTED}


def export_lines() -> Iterator[str]:
    """Every exported row as one JSON line (no newline), dependency order, ids ascending.

    Needs an open connection for as long as it is iterated.
    """
    with _read_snapshot():
        for model, to_lines in EXPORTED:
            for rows in _batches(model, SOURCE_BATCH if model is Source else BATCH):
                for line in to_lines(rows):
                    yield json.dumps(line, ensure_ascii=False, separators=(",", ":")).translate(_LINE_BREAKS)


# ---- import: each line checked and converted by its type's fields -----------------------

def _string(value):
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _integer(value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be an integer")
    return value


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be a number")
    return float(value)


def _timestamp(value):
    try:
        return parse_timestamp(value)
    except ValidationError:
        raise ValueError("must be an RFC 3339 timestamp") from None


@lru_cache(maxsize=65_536)  # the same sources and people are named on many lines
def _decode(kind: str, value: str) -> int | None:
    return decode_id(kind, value)


def _id(kind: str) -> Callable:
    def convert(value):
        pk = _decode(kind, value) if isinstance(value, str) else None
        if pk is None:
            raise ValueError(f"must be a {kind} id")
        return pk
    return convert


class _FieldError(ValueError):
    """A conversion error with the path of the field it is about (`appearances.0.source`)."""

    def __init__(self, path: list, message: str):
        super().__init__(f"{'.'.join(map(str, path))}: {message}" if path else message)
        self.path, self.message = path, message

    @classmethod
    def at(cls, name, error: ValueError) -> "_FieldError":
        if isinstance(error, cls):
            return cls([name, *error.path], error.message)
        return cls([name], str(error))


def _optional(convert: Callable) -> Callable:
    return lambda value: None if value is None else convert(value)


def _list(convert: Callable) -> Callable:
    def convert_all(value):
        if not isinstance(value, list):
            raise ValueError("must be a list")
        converted = []
        for index, item in enumerate(value):
            try:
                converted.append(convert(item))
            except ValueError as error:
                raise _FieldError.at(index, error) from None
        return converted
    return convert_all


def _fields(spec: dict[str, Callable], record) -> dict:
    """Check a JSON object has exactly these fields and convert each; the error names the field."""
    if not isinstance(record, dict):
        raise ValueError("must be a JSON object")
    missing = [name for name in spec if name not in record]
    unknown = sorted(set(record) - set(spec))
    if missing or unknown:
        raise _FieldError([], "; ".join(filter(None, [missing and f"missing {', '.join(missing)}",
                                                      unknown and f"unknown {', '.join(unknown)}"])))
    values = {}
    for name, convert in spec.items():
        try:
            values[name] = convert(record[name])
        except ValueError as error:
            raise _FieldError.at(name, error) from None
    return values


def _record(spec: dict[str, Callable]) -> Callable:
    return lambda value: _fields(spec, value)


_text = _optional(_string)
VERSIONED = {"created_at": _timestamp, "updated_at": _timestamp, "version": _integer}
SPAN = {"source": _id("source"), "start": _integer, "end": _integer, "exact": _string, "prefix": _string,
        "suffix": _string}
EVIDENCE = {"stance": _string, "source": _optional(_id("source")), "start": _optional(_integer),
            "end": _optional(_integer), "exact": _text, "prefix": _text, "suffix": _text, "url": _text, "quote": _text}
LINE_FIELDS = {
    "source": {"kind": _string, "title": _text, "url": _text, "publisher": _text, "author": _text,
               "published_at": _text, "language": _text, "text": _string, **VERSIONED},
    "person": {"name": _string, "aliases": _list(_string), "description": _text, "wikidata_id": _text,
               "origin": _string, **VERSIONED},
    "event": {"name": _string, "kind": _text, "description": _text, "starts_at": _text, "ends_at": _text,
              "location": _text, "origin": _string, "participants": _list(_id("person")), **VERSIONED},
    "mention": {**SPAN, "person": _optional(_id("person")), "event": _optional(_id("event")), "origin": _string},
    "claim": {"text": _string, "claimant": _optional(_id("person")), "status": _string, "origin": _string,
              "checkworthiness": _optional(_number), "latest_verdict": _optional(_id("verdict")),
              "tags": _list(_string), "events": _list(_id("event")), "appearances": _list(_record(SPAN)),
              **VERSIONED},
    "verdict": {"claim": _id("claim"), "rating": _string, "rationale": _string, "reviewer_name": _string,
                "created_at": _timestamp, "evidence": _list(_record(EVIDENCE))},
}
# Parents before children, so every foreign key points at a row already inserted.
INSERT_ORDER = (Source, Person, Event, EventParticipant, Mention, Claim, Appearance, ClaimTag, ClaimEvent,
                Verdict, Evidence)
WITH_PUBLIC_IDS = (Source, Person, Event, Mention, Claim, Verdict)
_MAX_PARAMETERS = 10_000  # per INSERT; SQLite allows 32,766 and PostgreSQL 65,535
_MAX_BUFFERED_CHARS = 16_000_000


def parse_line(number: int, raw: str) -> tuple[str, int, dict]:
    """(type, integer id, converted fields) of one export line; ValueError naming the line."""
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"line {number}: not JSON ({error.msg})") from None
    kind = record.get("type") if isinstance(record, dict) else None
    if kind not in LINE_FIELDS:
        raise ValueError(f"line {number}: unknown type {kind!r}; expected one of {', '.join(LINE_FIELDS)}")
    try:
        values = _fields({"type": _string, "id": _id(kind), **LINE_FIELDS[kind]}, record)
    except ValueError as error:
        raise ValueError(f"line {number} ({kind}): {error}") from None
    del values["type"]
    return kind, values.pop("id"), values


class _Loader:
    """Buffers rows per table and inserts them in batches, parents first.

    References must name rows defined on earlier lines (the export's order); a claim's
    latest verdict, which comes later, is checked at the end.
    """

    def __init__(self):
        self.rows = {model: [] for model in INSERT_ORDER}
        self.buffered_chars = 0
        self.seen = {model.__name__.lower(): set() for model in WITH_PUBLIC_IDS}
        self.people: list[Person] = []  # to index their names once inserted
        self.latest_verdicts: dict[int, int] = {}  # verdict id → line naming it
        self.counts: Counter = Counter()

    def need(self, kind: str, pk: int | None, field: str) -> None:
        if pk is not None and pk not in self.seen[kind]:
            raise ValueError(f"{field} {encode_id(kind, pk)} is not defined on an earlier line")

    def add(self, number: int, kind: str, pk: int, values: dict) -> None:
        if pk in self.seen[kind]:
            raise ValueError(f"{encode_id(kind, pk)} is defined twice")
        getattr(self, "_add_" + kind)(pk, values, number)
        self.seen[kind].add(pk)
        self.counts[kind] += 1
        if sum(map(len, self.rows.values())) >= BATCH or self.buffered_chars >= _MAX_BUFFERED_CHARS:
            self.flush()

    def _add_source(self, pk, values, number):
        text = values["text"]
        try:
            if normalize_source_text(text) != text:
                raise ValueError("text starts with a byte-order mark, which is never stored")
        except UnstorableText as error:
            raise ValueError(f"text: {error}") from None
        self.rows[Source].append({**values, "id": pk, "text_sha256": text_sha256(text), "length": len(text),
                                  "length_utf16": utf16_length(text)})
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
            raise ValueError("a mention names exactly one of person and event")
        self.need("source", values["source"], "source")
        self.need("person", values["person"], "person")
        self.need("event", values["event"], "event")
        self.rows[Mention].append({**values, "id": pk})

    def _add_claim(self, pk, values, number):
        tags, events, appearances = values.pop("tags"), values.pop("events"), values.pop("appearances")
        self.need("person", values["claimant"], "claimant")
        for event in events:
            self.need("event", event, "event")
        for span in appearances:
            self.need("source", span["source"], "appearance source")
        latest = values.pop("latest_verdict")
        if latest is not None:
            self.latest_verdicts.setdefault(latest, number)
        self.rows[Claim].append({**values, "id": pk, "latest_verdict_id": latest})
        self.rows[ClaimTag] += [{"claim": pk, "tag": tag} for tag in tags]
        self.rows[ClaimEvent] += [{"claim": pk, "event": event} for event in events]
        self.rows[Appearance] += [{**span, "claim": pk} for span in appearances]

    def _add_verdict(self, pk, values, number):
        evidence = values.pop("evidence")
        self.need("claim", values["claim"], "claim")
        for item in evidence:
            self.need("source", item["source"], "evidence source")
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

    def finish(self) -> None:
        self.flush()
        dangling = {pk: n for pk, n in self.latest_verdicts.items() if pk not in self.seen["verdict"]}
        if dangling:
            pk, number = min(dangling.items(), key=lambda item: item[1])
            raise ValueError(f"line {number} (claim): latest_verdict {encode_id('verdict', pk)} is not in the file")


def _refuse_unless_empty() -> None:
    filled = [model.__name__.lower() for model in WITH_PUBLIC_IDS if model.select().exists()]
    if filled:
        raise ValueError(f"The database already holds data ({', '.join(filled)}): import only into an empty one.")


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


def import_lines(lines: Iterable[str]) -> dict[str, int]:
    """Load an export into an empty database in one transaction; counts per type.

    ValueError (naming the line) for a malformed line, and for a non-empty database.
    """
    loader = _Loader()
    with database.atomic():
        _refuse_unless_empty()
        number = 0
        try:
            for number, raw in enumerate(lines, start=1):
                if not raw.strip():
                    continue
                kind, pk, values = parse_line(number, raw)
                try:
                    loader.add(number, kind, pk, values)
                except ValueError as error:
                    raise ValueError(f"line {number} ({kind}): {error}") from None
            loader.finish()
        except peewee.IntegrityError as error:
            raise ValueError(f"line {number} or a line shortly before it: the database refused it ({error})") \
                from None
        _advance_sequences()
    return {kind: loader.counts[kind] for kind in LINE_FIELDS}


# ---- claims as CSV -------------------------------------------------------------------------

CSV_COLUMNS = ("id", "text", "status", "claimant_id", "claimant_name", "origin", "checkworthiness", "tags",
               "source_id", "start", "end", "exact", "created_at", "updated_at", "latest_rating",
               "latest_rationale", "latest_verdict_at")
UTF8_BOM = "\ufeff"


def _claim_rows(claim: Claim) -> Iterator[list]:
    """One row per appearance (a claim without any still gets one)."""
    claimant = claim.claimant_ref
    verdict = claim.latest_verdict
    head = [_ref("claim", claim.id), claim.text, claim.status, _ref("person", claimant and claimant.id),
            claimant and claimant.name, claim.origin, claim.checkworthiness, TAG_SEPARATOR.join(claim.tag_list)]
    tail = [_stamp(claim, "created_at"), _stamp(claim, "updated_at"), verdict and verdict.rating,
            verdict and verdict.rationale, verdict and _stamp(verdict, "created_at")]
    for span in claim.appearance_list or [None]:
        where = [_ref("source", span.source_id), span.start, span.end, span.exact] if span else [None] * 4
        yield [spreadsheet_cell(value) for value in head + where + tail]


def _csv_text(rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    # Every text cell quoted: a cell holding ; or a tab stays one cell in a spreadsheet that
    # reads semicolon- or tab-separated values, not only in one that reads commas.
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
    return buffer.getvalue()


def claims_csv(filters: dict, *, sort: str = "created_at", offsets: str = "codepoints",
               bom: bool = False) -> Iterator[str]:
    """Every claim matching the list filters, in `sort` order, as CSV chunks: the header, then
    one chunk per keyset batch. No paging: a spreadsheet wants them all. With bom, the file
    starts with U+FEFF, which Excel needs to read UTF-8."""
    yield (UTF8_BOM if bom else "") + _csv_text([CSV_COLUMNS])
    with _read_snapshot():
        cursor = None
        while True:
            page = paginate(claims_query(filters), sort=sort, cursor=cursor, limit=BATCH)
            attach_details(page.items, offsets=offsets)
            yield _csv_text(row for claim in page.items for row in _claim_rows(claim))
            if page.next_cursor is None:
                return
            cursor = page.next_cursor
