"""Sources: stored documents whose text never changes."""
from __future__ import annotations

from dataclasses import dataclass

import peewee

from api.db import database
from api.domain.errors import Conflict, Invalid, NotFound
from api.domain.ids import encode_id
from api.domain.text import UnstorableText, normalize_source_text, text_sha256, utf16_length
from api.models import Appearance, Evidence, Mention, Source
from api.pagination import Page, paginate
from api.services import audit, extraction, jobs, outbox
from api.services.common import (
    check_etag, full_text_match, get_locked_or_404, get_or_404, save_changes, time_filters,
)

LIST_FIELDS = [f for f in Source._meta.sorted_fields if f.name != "text"]


@dataclass(frozen=True)
class SourceDetails:
    """A source (its text loaded only where the representation shows it), its counts of
    claims and mentions (part of its ETag), and what extraction stored when asked at creation."""

    source: Source
    counts: dict[str, int]
    extraction: extraction.ExtractionSummary | None = None
    job: object | None = None  # the extraction Job started at creation


def _duplicate(existing_id: int) -> Conflict:
    public_id = encode_id("source", existing_id)
    return Conflict(f"This text is already stored as source {public_id}.", slug="duplicate-source",
                    existing=public_id)


def create_source(data: dict, *, actor: audit.Actor, extract: bool = False, role: str | None = None) -> SourceDetails:
    """Store a source, and with `extract` start an extraction job for it, in the same
    transaction (the job is sent once the source is committed). A text over the pipeline's
    limit is refused first (TooLarge) and stores nothing; one the pipeline cannot process
    fails its job.

    Raises Invalid (text that cannot be stored), Conflict (the same text is stored: `existing`), TooLarge."""
    try:
        text = normalize_source_text(data["text"])
    except UnstorableText as error:
        raise Invalid("text", str(error)) from None
    digest = text_sha256(text)
    if extract:
        extraction.check_extractable_length(text)
    with jobs.sending_after_commit(), database.atomic():
        _refuse_duplicate(digest)
        fields = {k: v for k, v in data.items() if k not in ("text", "extract")}
        try:
            with database.atomic():
                source = Source.create(**fields, text=text, text_sha256=digest, length=len(text),
                                       length_utf16=utf16_length(text))
        except peewee.IntegrityError:
            # Another writer stored the same text between our check and insert.
            existing = Source.select(Source.id).where(Source.text_sha256 == digest).first()
            if existing is None:
                raise  # not a duplicate: another constraint, a bug to see
            raise _duplicate(existing.id) from None
        audit.record(actor, "create", "source", source.id)
        outbox.emit_resource("source.created", "source", source.id, "/v1/sources", kind=source.kind)
        job = extraction.submit_extraction(source.id, actor=actor, role=role) if extract else None
        return SourceDetails(source, {"claims": 0, "mentions": 0}, job=job)


def source_after_extraction(pk: int, result: dict) -> SourceDetails:
    """The source with its counts now and what its extraction job stored (the job's `result`)."""
    details = get_source(pk)
    return SourceDetails(details.source, details.counts, extraction.summary_from_ids(result))


def _refuse_duplicate(digest: str) -> None:
    existing = Source.select(Source.id).where(Source.text_sha256 == digest).first()
    if existing is not None:
        raise _duplicate(existing.id)


def get_source(pk: int) -> SourceDetails:
    """The source with this key, its text and counts; NotFound if there is none."""
    source = get_or_404(Source, pk)
    return SourceDetails(source, source_counts([pk])[pk])


def get_source_text(pk: int) -> Source:
    """The source row with its text (for the text/plain representation); NotFound."""
    return get_or_404(Source, pk)


def require_source(pk: int) -> None:
    """NotFound unless a source has this key (its text is not loaded)."""
    if not Source.select(Source.id).where(Source.id == pk).exists():
        raise NotFound.of("source", encode_id("source", pk))


def source_counts(ids: list[int]) -> dict[int, dict[str, int]]:
    """claims and mentions per source, for a whole page in two grouped queries."""
    claims = dict(Appearance.select(Appearance.source, peewee.fn.COUNT(Appearance.claim.distinct()))
                  .where(Appearance.source.in_(ids)).group_by(Appearance.source).tuples()) if ids else {}
    mentions = dict(Mention.select(Mention.source, peewee.fn.COUNT(Mention.id))
                    .where(Mention.source.in_(ids)).group_by(Mention.source).tuples()) if ids else {}
    return {pk: {"claims": claims.get(pk, 0), "mentions": mentions.get(pk, 0)} for pk in ids}


def list_sources(filters: dict, *, sort: str, cursor: str | None, limit: int) -> Page:
    """A page of SourceDetails (without text) matching the filters (see SourceQuerySchema)."""
    query = Source.select(*LIST_FIELDS)
    if filters.get("kind"):
        query = query.where(Source.kind == filters["kind"])
    if filters.get("publisher"):
        query = query.where(Source.publisher == filters["publisher"])
    if filters.get("q"):
        query = query.where(full_text_match(Source, filters["q"]))
    query = time_filters(query, Source, filters)
    page = paginate(query, sort=sort, cursor=cursor, limit=limit)
    counts = source_counts([s.id for s in page.items])
    return Page([SourceDetails(s, counts[s.id]) for s in page.items], page.next_cursor)


def update_source(pk: int, changes: dict, *, actor: audit.Actor, if_match: str | None = None) -> SourceDetails:
    """Edit a source's metadata (its text never changes); PreconditionFailed on a stale If-Match."""
    with database.atomic():
        source = get_locked_or_404(Source, pk, LIST_FIELDS)
        counts = source_counts([pk])[pk]  # part of the ETag that If-Match is checked against
        save_changes(source, changes, if_match=if_match, counts=counts)
        audit.record(actor, "update", "source", pk, fields=sorted(changes))
    return SourceDetails(source, counts)


def delete_source(pk: int, *, actor: audit.Actor, if_match: str | None = None) -> None:
    """Delete a source nothing points into: Conflict while claims, mentions or verdict evidence do."""
    with database.atomic():
        source = get_locked_or_404(Source, pk, LIST_FIELDS)
        check_etag(source, if_match, source_counts([pk])[pk])
        used = (Appearance.select().where(Appearance.source == pk).exists()
                or Mention.select().where(Mention.source == pk).exists()
                or Evidence.select().where(Evidence.source == pk).exists())  # verdicts are history: kept
        if used:
            raise Conflict(f"Source {encode_id('source', pk)} is still referenced by claims, mentions or verdict "
                           "evidence; delete or re-anchor claims and mentions first (evidence is kept for good).",
                           slug="source-in-use")
        Source.delete().where(Source.id == pk).execute()
        audit.record(actor, "delete", "source", pk)
        outbox.emit_resource("source.deleted", "source", pk, "/v1/sources")
