"""Source text rules, and text folding (api.domain.text) with the span rules built on it:
equivalent text matches, what is stored and returned is the source's own, and no span splits a
user-perceived character."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.domain.spans import SpanOutOfRange, context, resolve_span
from api.domain.text import (
    FoldedText, UnstorableText, cluster_boundaries, fold_quote, fold_search, is_cluster_boundary, name_tokens,
    normalize_source_text, text_sha256, unstorable_path, utf16_length, variant_key,
)


def test_a_source_text_is_stored_as_given_but_for_a_leading_bom():
    assert normalize_source_text("\ufeffZoë said “no”.\r\n") == "Zoë said “no”.\r\n"
    assert normalize_source_text("a\ufeffb") == "a\ufeffb"  # only a leading one


@pytest.mark.parametrize("text,reason", [("a\x00b", r"U\+0000"), ("a\ud800b", "lone surrogate"), (" \n", "empty")])
def test_text_no_database_can_store_is_refused(text, reason):
    with pytest.raises(UnstorableText, match=reason):
        normalize_source_text(text)


def test_the_path_of_the_first_unstorable_string_is_named():
    assert unstorable_path({"appearances": [{"exact": "ok"}, {"exact": "a\x00"}]}) == "appearances.1.exact"
    assert unstorable_path({"na\x00me": "x"}) == "na\x00me"
    assert unstorable_path({"fine": ["text", 1, None]}) is None


def test_lengths_and_hashes():
    assert utf16_length("a🗳b") == 4 and len("a🗳b") == 3
    assert text_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_name_tokens_fold_case_and_accents_and_add_variant_keys():
    assert name_tokens("Volodymyr Zelenskyy", "ZELENSKÝ") == {"volodymyr", "zelenskyy", "zelensky",
                                                             "volodimir", "zelenski"}


NFD_TEXT = "Rene\u0301e Okafor told reporters the dam would hold."  # Renée, decomposed


@pytest.mark.parametrize("text", [NFD_TEXT, unicodedata.normalize("NFC", NFD_TEXT)])
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_canonically_equivalent_quote_matches_and_keeps_the_source_characters(text, form):
    quote = unicodedata.normalize(form, "Renée Okafor told")
    span = resolve_span(text, exact=quote)
    assert span.exact == text[: len(text) - len(" reporters the dam would hold.")]
    assert (span.start, span.exact) == (0, text[span.start:span.end])


def test_quote_ending_between_a_letter_and_its_combining_mark_is_refused_naming_the_boundary():
    with pytest.raises(SpanOutOfRange) as error:
        resolve_span(NFD_TEXT, exact="Rene")
    assert error.value.field == "exact" and "split a user-perceived character at 4" in error.value.message
    assert "3 or 5" in error.value.message


@pytest.mark.parametrize("start, end, field", [(0, 4, "end"), (4, 10, "start")])
def test_offsets_inside_a_cluster_are_refused(start, end, field):
    with pytest.raises(SpanOutOfRange) as error:
        resolve_span(NFD_TEXT, start=start, end=end)
    assert error.value.field == field


@pytest.mark.parametrize("text, inside", [
    ("Team \U0001f468\u200d\U0001f469\u200d\U0001f467 wins", 7),  # ZWJ family: after the man
    ("Flag \U0001f1fa\U0001f1e6 raised", 6),  # between two regional indicators
    ("Hangul \u1112\u1161\u11ab here", 8),  # conjoining jamo 한
    ("Vote \U0001f5f3\ufe0f now", 6),  # emoji + variation selector
])
def test_every_kind_of_extended_grapheme_cluster_is_one_unit(text, inside):
    assert not is_cluster_boundary(text, inside)
    with pytest.raises(SpanOutOfRange):
        resolve_span(text, start=0, end=inside)


def test_server_made_context_never_splits_a_cluster():
    flags = "\U0001f1fa\U0001f1e6" * 20  # 40 code points, 80 UTF-16 units, 20 clusters
    text = f"{flags}middle{flags}"
    span = resolve_span(text, exact="middle")
    assert span.prefix == "\U0001f1fa\U0001f1e6" * 8 and span.suffix == "\U0001f1fa\U0001f1e6" * 8
    accents = "e\u0301" * 40
    before, after = context(accents + "X" + accents, 80, 81)
    assert len(before) % 2 == 0 and not before.startswith("\u0301") and not after.endswith("e")


GERMAN = "The Ge\u00adsamt\u00adkonzept was approved; the fund\u200bing starts in 2027."


@pytest.mark.parametrize("quote, start, end", [
    ("Gesamtkonzept was approved", 4, 32),
    ("the funding starts in 2027", 34, 61),
])
def test_invisible_characters_do_not_block_a_typed_quote(quote, start, end):
    span = resolve_span(GERMAN, exact=quote)
    assert (span.start, span.end) == (start, end)
    assert span.exact == GERMAN[start:end] and ("\u00ad" in span.exact or "\u200b" in span.exact)


@pytest.mark.parametrize("invisible", ["\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u2067", "\u202b"])
def test_each_invisible_character_is_ignored_in_matching(invisible):
    text = f"Officials said the ce{invisible}asefire holds."
    assert resolve_span(text, exact="the ceasefire holds").exact == f"the ce{invisible}asefire holds"


def test_quote_and_offsets_agree_under_folding():
    span = resolve_span(GERMAN, start=4, end=32, exact="Gesamtkonzept was approved")
    assert span.exact == GERMAN[4:32]


@pytest.mark.parametrize("raw, folded", [
    ("\u201cSo\u2014called\u201d \u2026", '"So-called" ...'),
    ("a\u00a0\n\t b", "a b"),
    ("Cafe\u0301", "Cafe\u0301"),
    ("Caf\u00e9", "Cafe\u0301"),
])
def test_quote_fold_table(raw, folded):
    assert fold_quote(raw) == folded


@pytest.mark.parametrize("raw, folded", [
    ("Зеленський", "zelenskiy"),  # Ukrainian: the soft sign keeps the word whole
    ("Зеленский", "zelenskiy"),  # Russian
    ("O\u2019Brien", "obrien"),
    ("Mar\u02bcyana", "maryana"),  # modifier letter apostrophe
    ("Z\u00f6e M\u00fcller-Stra\u00dfe", "zoe muller strasse"),
    ("Jose\u0301 \u0141\u00f3d\u017a", "jose lodz"),
    ("Ge\u00adsamt\u200bkonzept", "gesamtkonzept"),
    ("\ufb01nal", "final"),
])
def test_search_fold_table(raw, folded):
    assert fold_search(raw) == folded


def test_a_name_word_stays_one_word_in_every_script():
    assert name_tokens("Володимир Зеленський") == {"volodimir", "zelenskiy", "zelenski"}
    assert variant_key("Зеленський") == variant_key("Zelenskyy") == variant_key("Zelensky") == "zelenski"
    assert variant_key("Володимир") == variant_key("Volodymyr")


def test_boundaries_in_a_window_start_where_a_cluster_starts():
    text = "ab\nc\u0301d"
    assert cluster_boundaries(text, 3, 6) == [3, 5, 6]


PIECES = ["a", "Z", "9", " ", "\n", "e\u0301", "\u0301", "\u200d", "\ufe0f", "\U0001f1fa", "\U0001f1e6",
          "\U0001f468\u200d\U0001f469", "\u1112\u1161\u11ab", "\U0001f44d\U0001f3fd", "\r\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=120), st.integers(0, 400), st.integers(0, 40))
def test_windowed_boundaries_equal_segmenting_the_whole_text(pieces, lo, width):
    import regex
    text = "".join(pieces)
    truth = {0} | {m.end() for m in regex.finditer(r"\X", text)}
    hi = min(len(text), lo + width)
    assert cluster_boundaries(text, lo, hi) == sorted(b for b in truth if lo <= b <= hi)


def test_boundaries_deep_in_a_long_line_cost_a_window_not_the_text():
    import time
    text = "word " * 200_000  # one line of a million code points
    started = time.perf_counter()
    for i in range(0, 1_000_000, 5_000):
        cluster_boundaries(text, i, i + 32)
    assert time.perf_counter() - started < 0.5


def _reference_fold(text: str) -> tuple[str, dict[int, int], dict[int, int]]:
    """Cluster by cluster, the slow obvious way: (folded text, {folded start: original start},
    {folded end: original end}) of every piece a match may start or end at."""
    import regex

    from api.domain.text import _fold_cluster
    out, starts, ends, pending = "", {}, {}, None

    def emit(piece: str, start: int, end: int) -> None:
        nonlocal out
        starts[len(out)] = start
        out += piece
        ends[len(out)] = end

    for m in regex.finditer(r"\X", text):
        folded = _fold_cluster(m.group())
        if not folded:
            continue
        if not folded.strip(" "):
            pending = (pending[0], m.end()) if pending else m.span()
            continue
        if pending:
            emit(" ", *pending)
            pending = None
        emit(folded, *m.span())
    if pending:
        emit(" ", *pending)
    return out, starts, ends


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["Ab", "x.", "\u2019", "\u2026", "\u00ad", " \u00a0", "\u00e9", "\t"]), max_size=60))
def test_folded_map_matches_cluster_by_cluster_folding(pieces):
    text = "".join(pieces)
    folded = FoldedText(text)
    expected_text, starts, ends = _reference_fold(text)
    assert folded.text == expected_text
    for i in range(len(folded.text)):
        for j in range(i + 1, len(folded.text) + 1):
            want = (starts[i], ends[j]) if i in starts and j in ends else None
            assert folded.original(i, j) == want, (text, i, j)
