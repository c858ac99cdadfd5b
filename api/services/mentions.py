"""Mentions: spans of sources naming a person or an event."""
from __future__ import annotations

from api.domain.vocabulary import MANUAL
from api.models import Mention
from api.services.common import group_by
from api.services.spans import resolve_spans


def replace_mentions(owner: str, owner_id: int, spans: list[dict], *, origin: str = MANUAL) -> None:
    """Make `spans` the owner's mentions (owner is 'person' or 'event'). Call inside a transaction."""
    resolved = resolve_spans(spans, path="mentions")
    Mention.delete().where(getattr(Mention, owner) == owner_id).execute()
    if resolved:
        Mention.insert_many([{**span, owner: owner_id, "origin": origin} for span in resolved]).execute()


def mentions_of(owner: str, ids: list[int]) -> dict[int, list[Mention]]:
    """Each person's or event's mentions (by owner key), in one query for the whole page."""
    field = getattr(Mention, owner)
    mentions = list(Mention.select().where(field.in_(ids)).order_by(field, Mention.source, Mention.start)) if ids else []
    return group_by(mentions, f"{owner}_id")
