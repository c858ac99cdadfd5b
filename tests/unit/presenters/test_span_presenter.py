"""Span rows shown in the request's units, from converters in hand (no database)."""
from __future__ import annotations

from types import SimpleNamespace

from api.domain.spans import Utf16Offsets
from api.presenters.spans import SpanPresenter

TEXT = "🗳 The vote counted."  # one astral character first: UTF-16 offsets are one more after it


def row(start: int, end: int, source_id: int = 1):
    return SimpleNamespace(source_id=source_id, start=start, end=end, exact=TEXT[start:end], prefix="", suffix="")


def test_code_points_are_shown_as_stored():
    assert SpanPresenter("codepoints", {1: Utf16Offsets(TEXT)})(row(2, 10)) == {
        "source_id": 1, "start": 2, "end": 10, "exact": "The vote", "prefix": "", "suffix": ""}


def test_utf16_offsets_count_the_astral_character_twice():
    shown = SpanPresenter("utf16", {1: Utf16Offsets(TEXT)})(row(2, 10))
    assert (shown["start"], shown["end"], shown["exact"]) == (3, 11, "The vote")


def test_a_source_without_a_converter_has_only_bmp_text_and_converts_by_identity():
    assert SpanPresenter("utf16", {})(row(2, 10, source_id=7))["start"] == 2


def test_rows_are_never_changed():
    stored = row(2, 10)
    SpanPresenter("utf16", {1: Utf16Offsets(TEXT)})(stored)
    assert (stored.start, stored.end) == (2, 10)
