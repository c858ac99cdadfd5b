"""The sources use cases, called with plain values."""
from __future__ import annotations

import pytest

from api.domain.errors import Conflict, Invalid, TooLarge
from api.domain.ids import encode_id
from api.extraction import MAX_CHARS
from api.models import AuditEntry, Source
from api.services.sources import create_source, get_source, update_source


def test_a_source_is_stored_with_its_lengths_and_counts(db, checker):
    created = create_source({"text": "\ufeffA 🗳 vote.", "title": "Votes"}, actor=checker)
    assert created.source.text == "A 🗳 vote." and created.source.length == 9 and created.source.length_utf16 == 10
    assert created.counts == {"claims": 0, "mentions": 0} and created.extraction is None
    assert get_source(created.source.id).source.title == "Votes"
    assert [(e.action, e.actor_name) for e in AuditEntry.select()] == [("create", "unit checker")]


def test_the_same_text_twice_is_a_conflict_naming_the_stored_source(db, checker):
    first = create_source({"text": "Same text."}, actor=checker)
    with pytest.raises(Conflict) as raised:
        create_source({"text": "Same text."}, actor=checker)
    assert raised.value.slug == "duplicate-source"
    assert raised.value.details == {"existing": encode_id("source", first.source.id)}


def test_unstorable_text_is_invalid_naming_the_field(db, checker):
    with pytest.raises(Invalid) as raised:
        create_source({"text": "a\x00b"}, actor=checker)
    assert raised.value.field == "text"


def test_a_text_too_long_to_extract_stores_nothing_when_extraction_was_asked(db, checker):
    with pytest.raises(TooLarge):
        create_source({"text": "word " * (MAX_CHARS // 5 + 1)}, actor=checker, extract=True)
    assert Source.select().count() == 0 and AuditEntry.select().count() == 0


def test_an_edit_with_a_stale_if_match_changes_nothing(db, checker):
    from api.domain.errors import PreconditionFailed
    created = create_source({"text": "Text.", "title": "Old"}, actor=checker)
    update_source(created.source.id, {"title": "New"}, actor=checker)  # version 2 now
    with pytest.raises(PreconditionFailed):
        update_source(created.source.id, {"title": "Stale"}, actor=checker,
                      if_match=f'"{encode_id("source", created.source.id)}.v1.c0.m0"')
    assert get_source(created.source.id).source.title == "New"
