"""Sources: stored documents whose text never changes."""
from __future__ import annotations

import peewee

from api.db import database
from api.domain.ids import encode_id
from api.domain.text import UnstorableText, normalize_source_text, text_sha256, utf16_length
from api.errors import Problem, invalid
from api.models import Appearance, Evidence, Mention, Source
from api.pagination import Page, paginate
from api.services import audit
from api.services.common import check_etag, full_text_match, get_or_404, save_changes, time_filters

LIST_FIELDS = [f for f in Source._meta.sorted_fields if f.name != "text"]


def _duplicate(existing_id: int) -> Problem:
    public_id = encode_id("source", existing_id)
    return Problem(409, f"This text is already stored as source {public_id}.", slug="duplicate-source",
                   existing=public_id)


def create_source(data: dict) -> Source:
    try:
        text = normalize_source_text(data["text"])
    except UnstorableText as error:
        raise invalid("text", str(error)) from None
    digest = text_sha256(text)
    with database.atomic():
        existing = Source.select(Source.id).where(Source.text_sha256 == digest).first()
        if existing is not None:
            raise _duplicate(existing.id)
        fields = {k: v for k, v in data.items() if k not in ("text", "extract")}
        try:
            with database.atomic():
                source = Source.create(**fields, text=text, text_sha256=digest, length=len(text),
                                       length_utf16=utf16_length(text))
            audit.record("create", "source", source.id)
            return source
        except peewee.IntegrityError:
            # Another writer stored the same text between our check and insert.
            existing = Source.select(Source.id).where(Source.text_sha256 == digest).first()
            raise _duplicate(existing.id) from None


def get_source(pk: int | None, public_id: str = "", *, with_text: bool = True) -> Source:
    if not with_text:
        row = Source.select(*LIST_FIELDS).where(Source.id == pk).first() if pk is not None else None
        if row is not None:
            return row
    return get_or_404(Source, pk, public_id)


def attach_counts(sources: list[Source]) -> None:
    """claims and mentions per source, for a whole page in two grouped queries."""
    ids = [s.id for s in sources]
    claims = dict(Appearance.select(Appearance.source, peewee.fn.COUNT(Appearance.claim.distinct()))
                  .where(Appearance.source.in_(ids)).group_by(Appearance.source).tuples()) if ids else {}
    mentions = dict(Mention.select(Mention.source, peewee.fn.COUNT(Mention.id))
                    .where(Mention.source.in_(ids)).group_by(Mention.source).tuples()) if ids else {}
    for source in sources:
        source.counts = {"claims": claims.get(source.id, 0), "mentions": mentions.get(source.id, 0)}


def list_sources(filters: dict, *, sort: str, cursor: str | None, limit: int) -> Page:
    query = Source.select(*LIST_FIELDS)
    if filters.get("kind"):
        query = query.where(Source.kind == filters["kind"])
    if filters.get("publisher"):
        query = query.where(Source.publisher == filters["publisher"])
    if filters.get("q"):
        query = query.where(full_text_match(Source, filters["q"]))
    query = time_filters(query, Source, filters)
    page = paginate(query, sort=sort, cursor=cursor, limit=limit)
    attach_counts(page.items)
    return page


def update_source(pk: int, public_id: str, changes: dict) -> Source:
    with database.atomic():
        source = get_source(pk, public_id, with_text=False)
        attach_counts([source])  # part of the ETag that If-Match is checked against
        save_changes(source, changes)
        audit.record("update", "source", pk, fields=sorted(changes))
    return source


def delete_source(pk: int, public_id: str) -> None:
    with database.atomic():
        source = get_source(pk, public_id, with_text=False)
        attach_counts([source])
        check_etag(source)
        used = (Appearance.select().where(Appearance.source == pk).exists()
                or Mention.select().where(Mention.source == pk).exists()
                or Evidence.select().where(Evidence.source == pk).exists())  # verdicts are history: kept
        if used:
            raise Problem(409, f"Source {public_id} is still referenced by claims, mentions or verdict evidence; "
                               "delete or re-anchor claims and mentions first (evidence is kept for good).",
                          slug="source-in-use")
        Source.delete().where(Source.id == pk).execute()
        audit.record("delete", "source", pk)
