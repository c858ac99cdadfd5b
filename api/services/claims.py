"""Claims: checkable statements, anchored to one or more source spans."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Iterator

from api.db import database
from api.domain.errors import Conflict, NotFound
from api.domain.ids import encode_id
from api.domain.tags import normalize_tag
from api.domain.vocabulary import MANUAL
from api.models import Appearance, Claim, ClaimEvent, ClaimTag, Event, Person, Verdict
from api.models.prepared import PreparedQuery, PreparedSelect
from api.pagination import PageRows, cursor_position, page_query, paginate
from api.services import audit, keys, outbox
from api.services.common import (
    TIME_FILTERS, check_etag, etag_of_version, full_text_in, full_text_query, get_locked_or_404, get_or_404, group_by,
    read_snapshot, require_existing, save_changes, time_filters,
)
from api.services.spans import resolve_spans, utf16_offsets
from api.services.verdicts import latest_verdicts


CLAIMS_PATH = "/v1/claims"


@dataclass(frozen=True)
class ClaimDetails:
    """A claim and everything its representation shows; spans in code points.

    `utf16` (from a write) holds the UTF-16 converters of its astral sources, loaded in the
    write's transaction so that presenting it needs no further read."""

    claim: Claim
    claimant: Person | None
    appearances: list[Appearance]
    events: list[Event]
    tags: list[str]
    latest_verdict: object | None  # a Verdict (without evidence)
    utf16: dict | None = field(default=None, compare=False)


def _normalize_tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(normalize_tag(tag) for tag in tags if tag.strip()))


def _set_links(claim_id: int, *, tags=None, events=None, appearances=None) -> None:
    if tags is not None:
        ClaimTag.delete().where(ClaimTag.claim == claim_id).execute()
        if tags:
            ClaimTag.insert_many([{"claim": claim_id, "tag": t} for t in _normalize_tags(tags)]).execute()
    if events is not None:
        require_existing(Event, events, "events")
        ClaimEvent.delete().where(ClaimEvent.claim == claim_id).execute()
        if events:
            ClaimEvent.insert_many([{"claim": claim_id, "event": e} for e in dict.fromkeys(events)]).execute()
    if appearances is not None:
        Appearance.delete().where(Appearance.claim == claim_id).execute()
        Appearance.insert_many([{**span, "claim": claim_id} for span in appearances]).execute()


def create_claim(data: dict, *, actor: audit.Actor, origin: str = MANUAL) -> ClaimDetails:
    with database.atomic():
        appearances = resolve_spans(data["appearances"], path="appearances")
        if data.get("claimant") is not None:
            require_existing(Person, [data["claimant"]], "claimant")
        claim = Claim.create(
            text=(data.get("text") or appearances[0]["exact"]).strip(),
            claimant=data.get("claimant"), checkworthiness=data.get("checkworthiness"), origin=origin,
        )
        _set_links(claim.id, tags=data.get("tags", []), events=data.get("events", []), appearances=appearances)
        audit.record(actor, "create", "claim", claim.id, origin=origin)
        outbox.emit_resource("claim.created", "claim", claim.id, CLAIMS_PATH, origin=origin)
        # Built inside the transaction: once it commits, nothing is left that could fail.
        return _written(claim.id)


# The details of a page of claims, each query prepared once (see api.models.prepared).
_claimants = PreparedQuery(lambda ids: Person.select(Person.id, Person.name).where(Person.id.in_(ids)))
_appearances = PreparedQuery(lambda ids: Appearance.select().where(Appearance.claim.in_(ids))
                             .order_by(Appearance.claim, Appearance.id))
_events = PreparedQuery(lambda ids: ClaimEvent.select(ClaimEvent, Event.id, Event.name).join(Event)
                        .where(ClaimEvent.claim.in_(ids)).order_by(ClaimEvent.id))
_tags = PreparedQuery(lambda ids: ClaimTag.select().where(ClaimTag.claim.in_(ids)).order_by(ClaimTag.id))


def claim_details(claims: list[Claim]) -> list[ClaimDetails]:
    """Claimant, appearances, events, tags, latest verdict for a page of claims: five queries at most."""
    ids = [c.id for c in claims]
    if not ids:
        return []
    claimant_ids = sorted({c.claimant_id for c in claims if c.claimant_id is not None})
    people = {p.id: p for p in _claimants(claimant_ids)} if claimant_ids else {}
    appearances = _appearances(ids)
    events = _events(ids)
    tags = _tags(ids)
    verdicts = latest_verdicts(claims)
    by_claim = {name: group_by(rows, "claim_id") for name, rows in
                (("appearances", appearances), ("events", events), ("tags", tags))}
    return [ClaimDetails(
        claim=claim, claimant=people.get(claim.claimant_id),
        appearances=by_claim["appearances"].get(claim.id, []),
        events=[link.event for link in by_claim["events"].get(claim.id, [])],
        tags=[link.tag for link in by_claim["tags"].get(claim.id, [])],
        latest_verdict=verdicts.get(claim.latest_verdict_id),
    ) for claim in claims]


def get_claim(pk: int) -> ClaimDetails:
    """The claim with this key and its details; NotFound if there is none."""
    return claim_details([get_or_404(Claim, pk)])[0]


_claim_version = PreparedQuery(lambda pk: Claim.select(Claim.version, Claim.updated_at).where(Claim.id == pk).tuples())
_claim_version_and_key = PreparedQuery(lambda pk, key_id: Claim.select(
    Claim.version, Claim.updated_at, keys.active_hash_of(key_id)).where(Claim.id == pk).tuples())


def claim_version(pk: int, key: keys.KeyCheck | None = None) -> tuple[tuple, str]:
    """((database, version, updated_at), ETag) of the claim with this key, read alone: both change whenever
    its representation does (edits, tags, verdicts, and renames of its claimant or events: see
    touch_claims). updated_at also tells apart a claim that took a deleted claim's id (SQLite).
    With `key`, the same statement confirms the caller's API key (Unauthenticated once revoked).
    NotFound if there is none."""
    rows = keys.confirmed_read(key, _claim_version, _claim_version_and_key, pk)  # 401 before 404
    if not rows:
        raise NotFound.of("claim", encode_id("claim", pk))
    version, updated_at = rows[0]
    # The database too: an import into another database keeps ids, versions and timestamps.
    return (database.obj, version, updated_at), etag_of_version(Claim, pk, version)


def claim_version_of(claim: Claim) -> tuple:
    """The version that claim_version reads, of a claim row already read."""
    return database.obj, claim.version, claim.updated_at


def written_claims(claims: list[Claim]) -> list[ClaimDetails]:
    """Details of claims just written, with the UTF-16 converters of their sources: call inside
    the writing transaction."""
    details = claim_details(claims)
    utf16 = utf16_offsets({a.source_id for d in details for a in d.appearances})
    return [replace(d, utf16=utf16) for d in details]


def _written(pk: int) -> ClaimDetails:
    return written_claims([get_or_404(Claim, pk)])[0]


def _filter_values(filters: dict) -> dict:
    """The filters that apply, by name, with the values the query compares: a tag in its normal
    form, the full-text query as the index is asked (None: no searchable word). The names
    present decide the query's shape (see _matching)."""
    values = {name: filters[name] for name in ("status", "origin") if filters.get(name)}
    values.update((name, filters[name]) for name in ("claimant", "event", "source") if name in filters)
    if filters.get("tag"):
        values["tag"] = normalize_tag(filters["tag"])
    if filters.get("q"):
        values["q"] = full_text_query(filters["q"])
    values.update((name, filters[name]) for name in TIME_FILTERS if filters.get(name) is not None)
    return values


def _matching(query, values: dict):
    """`query` narrowed to the claims matching _filter_values (values, or a prepared query's Params)."""
    for name in ("status", "origin"):
        if name in values:
            query = query.where(getattr(Claim, name) == values[name])
    if "claimant" in values:
        query = query.where(Claim.claimant == values["claimant"])
    if "event" in values:
        query = query.where(Claim.id.in_(ClaimEvent.select(ClaimEvent.claim).where(ClaimEvent.event == values["event"])))
    if "source" in values:
        query = query.where(Claim.id.in_(Appearance.select(Appearance.claim).where(Appearance.source == values["source"])))
    if "tag" in values:
        query = query.where(Claim.id.in_(ClaimTag.select(ClaimTag.claim).where(ClaimTag.tag == values["tag"])))
    if "q" in values:
        query = query.where(full_text_in(Claim, values["q"]))
    return time_filters(query, Claim, values)


def claims_query(filters: dict, *columns):
    """Claims matching the filters (all their columns unless `columns` are named)."""
    return _matching(Claim.select(*columns), _filter_values(filters))


BATCH = 1000  # claims per query when walking all of them


def all_claims(filters: dict, *, sort: str) -> Iterator[list[ClaimDetails]]:
    """Every claim matching the filters, in `sort` order, in batches of ClaimDetails, from one
    consistent snapshot. No paging: a spreadsheet wants them all. Needs an open connection
    for as long as it is iterated."""
    with read_snapshot():
        cursor = None
        while True:
            page = paginate(claims_query(filters), sort=sort, cursor=cursor, limit=BATCH)
            yield claim_details(page.items)
            if page.next_cursor is None:
                return
            cursor = page.next_cursor


# What a page of claims reads of each row: enough to find its representation (claim_version_of)
# and to continue the page after it; the text and the rest are read only for the claims whose
# representation must be built (claims_by_ids). Rows as namespaces, not Claim objects: building
# fifty model objects of every column was half of a page's CPU (bench/RESULTS.md, issue #17).
PAGE_COLUMNS = ("id", "version", "updated_at")


def list_page_query(params: dict, sort: str):
    """A page of claims: _matching(params), in `sort` order after `after_value`, `after_id` if
    given, `limit` rows, with the key's state as `key_hash` if `key_id` is given."""
    name = sort.lstrip("-")
    names = PAGE_COLUMNS + ((name,) if name not in PAGE_COLUMNS else ())
    query = _matching(Claim.select(*(getattr(Claim, n) for n in names)), params)
    if "key_id" in params:
        query = query.select_extend(keys.active_hash_of(params["key_id"]).alias("key_hash"))
    after = (params["after_value"], params["after_id"]) if "after_id" in params else None
    return page_query(query.objects(SimpleNamespace), sort=sort, after=after, limit=params["limit"])


# Rendered once per filter shape: peewee building the same SQL text was a fifth of a page's CPU.
LIST_PAGE = PreparedSelect(list_page_query)


def page_values(filters: dict, *, sort: str, cursor: str | None, limit: int, key: keys.KeyCheck | None = None) -> dict:
    """The values of list_page's query by name (see list_page_query). Invalid for a bad cursor."""
    values = _filter_values(filters)
    after = cursor_position(getattr(Claim, sort.lstrip("-")), sort, cursor)
    if after is not None:
        values["after_value"], values["after_id"] = after
    if key is not None:
        values["key_id"] = key.key_id
    values["limit"] = limit + 1
    return values


def list_page(filters: dict, *, sort: str, cursor: str | None, limit: int, key: keys.KeyCheck | None = None) -> PageRows:
    """A page of the claims matching the filters (see ClaimQuerySchema), in `sort` order, as the
    database gives its rows (`id`, `version`, `updated_at` and the sort column; unconverted until
    `.page()`): one query, which also confirms the caller's API key when `key` is given
    (Unauthenticated once revoked). Its `version` (the database and the rows, without the key's
    column) tells whether a page's stored representation is current. The full rows of the claims
    whose representation is needed are a second step (claims_by_ids, claim_details)."""
    rows, convert = LIST_PAGE.raw(page_values(filters, sort=sort, cursor=cursor, limit=limit, key=key), sort)
    keys.confirm_key_by(key, rows, lambda row: row[-1])
    version = (database.obj, tuple(rows) if key is None else tuple([row[:-1] for row in rows]))
    return PageRows(rows, version, convert, sort, limit)


_by_ids = PreparedQuery(lambda ids: Claim.select().where(Claim.id.in_(ids)))


def claims_by_ids(ids: list[int]) -> list[Claim]:
    """The claims with these keys, in that order; one deleted meanwhile is left out."""
    found = {claim.id: claim for claim in _by_ids(ids)} if ids else {}
    return [found[pk] for pk in ids if pk in found]


def update_claim(pk: int, changes: dict, *, actor: audit.Actor, if_match: str | None = None) -> ClaimDetails:
    """Edit a claim; lists given replace the stored ones. PreconditionFailed on a stale If-Match."""
    with database.atomic():
        claim = get_locked_or_404(Claim, pk)
        links = {name: changes.pop(name, None) for name in ("tags", "events", "appearances")}
        if links["appearances"] is not None:
            links["appearances"] = resolve_spans(links["appearances"], path="appearances")
        if changes.get("claimant") is not None:
            require_existing(Person, [changes["claimant"]], "claimant")
        if "text" in changes:
            changes["text"] = changes["text"].strip()
        save_changes(claim, changes, if_match=if_match)
        _set_links(pk, **links)
        fields = sorted(changes) + [n for n, v in links.items() if v is not None]
        audit.record(actor, "update", "claim", pk, fields=fields)
        outbox.emit_resource("claim.updated", "claim", pk, CLAIMS_PATH, fields=fields)
        # Built inside the transaction: once it commits, nothing is left that could fail.
        return _written(pk)


def delete_claim(pk: int, *, actor: audit.Actor, if_match: str | None = None) -> None:
    """Delete an unreviewed claim. Raises NotFound, PreconditionFailed (stale `if_match`), and
    Conflict (slug claim-has-verdicts) once it has a verdict: verdicts are append-only history,
    and a deleted claim would take them along. The audit entry keeps what went away."""
    with database.atomic():
        claim = get_locked_or_404(Claim, pk)
        check_etag(claim, if_match)
        if Verdict.select().where(Verdict.claim == pk).exists():
            raise Conflict(f"Claim {encode_id('claim', pk)} has verdicts, which are never deleted; record a new "
                           "verdict (e.g. unverifiable, with the reason in its rationale) instead.",
                           slug="claim-has-verdicts")
        details = claim_details([claim])[0]
        Claim.delete().where(Claim.id == pk).execute()
        audit.record(actor, "delete", "claim", pk, text=claim.text, origin=claim.origin, tags=details.tags,
                     claimant=claim.claimant_id and encode_id("person", claim.claimant_id),
                     events=[encode_id("event", e.id) for e in details.events],
                     appearances=[{"source": encode_id("source", a.source_id), "start": a.start, "end": a.end,
                                   "exact": a.exact} for a in details.appearances])
        outbox.emit_resource("claim.deleted", "claim", pk, CLAIMS_PATH)
