"""Mentions: spans of sources naming a person or an event."""
from __future__ import annotations

from api.models import Mention
from api.services.common import group_by
from api.services.spans import present_spans, resolve_spans


def replace_mentions(owner: str, owner_id: int, spans: list[dict], *, offsets: str, origin: str = "manual") -> None:
    """Make `spans` the owner's mentions (owner is 'person' or 'event'). Call inside a transaction."""
    resolved = resolve_spans(spans, offsets=offsets, path="mentions")
    Mention.delete().where(getattr(Mention, owner) == owner_id).execute()
    if resolved:
        Mention.insert_many([{**span, owner: owner_id, "origin": origin} for span in resolved]).execute()


def attach_mentions(owner: str, rows: list, *, offsets: str) -> None:
    """Set `.mention_list` on each person or event row, in one query for the whole page."""
    ids = [row.id for row in rows]
    field = getattr(Mention, owner)
    mentions = list(Mention.select().where(field.in_(ids)).order_by(field, Mention.source, Mention.start)) if ids else []
    present_spans(mentions, offsets)
    grouped = group_by(mentions, f"{owner}_id")
    for row in rows:
        row.mention_list = grouped.get(row.id, [])
