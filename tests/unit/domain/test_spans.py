from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from api.domain.spans import (
    CONTEXT_UNITS,
    AmbiguousQuote,
    QuoteNotFound,
    Span,
    SpanError,
    SpanMismatch,
    SpanOutOfRange,
    Utf16Offsets,
    context,
    resolve_span,
)
from api.domain.text import is_cluster_boundary

SAMPLES = Path(__file__).parents[3] / "data" / "samples"
LAIST = (SAMPLES / "000_3e424eb520665100.txt").read_text(encoding="utf-8")  # has NBSP, •, —
SUMMIT = (SAMPLES / "001_87f9c890ea636cff.txt").read_text(encoding="utf-8")  # has ’ “ ” – — …
EMOJI = "Vote 🗳️ now 👍🏽 said Zoë"


def utf16_units(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def assert_consistent(text: str, span: Span) -> None:
    assert span.exact == text[span.start : span.end]
    assert text[: span.start].endswith(span.prefix)
    assert text[span.end :].startswith(span.suffix)
    assert utf16_units(span.prefix) <= CONTEXT_UNITS
    assert utf16_units(span.suffix) <= CONTEXT_UNITS


# --------------------------------------------------------------------------- quotes


def test_quote_from_sample_resolves_to_offsets_that_round_trip():
    quote = "first summit between US and Russian leaders in four years"
    span = resolve_span(SUMMIT, exact=quote)
    assert SUMMIT[span.start : span.end] == quote == span.exact
    assert span.start == SUMMIT.index(quote)
    assert_consistent(SUMMIT, span)
    assert resolve_span(SUMMIT, start=span.start, end=span.end) == span
    assert resolve_span(SUMMIT, start=span.start, end=span.end, exact=quote) == span


def test_straight_apostrophes_typed_by_hand_match_curly_ones():
    span = resolve_span(SUMMIT, exact="there's no deal until there's a deal")
    assert span.exact == "there\u2019s no deal until there\u2019s a deal"
    assert_consistent(SUMMIT, span)


def test_straight_double_quotes_match_curly_ones():
    span = resolve_span(SUMMIT, exact='called the summit "very productive."')
    assert span.exact == "called the summit \u201cvery productive.\u201d"


def test_hyphen_matches_em_dash_and_en_dash():
    assert resolve_span(LAIST, exact="ANCHORAGE, Alaska - President").exact == "ANCHORAGE, Alaska \u2014 President"
    assert resolve_span(SUMMIT, exact="to.\u201d - President Donald J. Trump").exact == "to.\u201d \u2013 President Donald J. Trump"


def test_three_dots_match_ellipsis_character():
    span = resolve_span(SUMMIT, exact="great progress today... We had")
    assert span.exact == "great progress today\u2026 We had"


def test_plain_space_matches_nbsp_and_line_breaks():
    span = resolve_span(LAIST, exact='save a lot of lives." European leaders')
    assert span.exact == 'save a lot of lives."\u00a0\n\nEuropean leaders'
    assert_consistent(LAIST, span)


def test_quote_typed_on_one_line_matches_text_across_paragraphs():
    span = resolve_span(LAIST, exact="but no breakthrough President Trump and Putin")
    assert span.exact == "but no breakthrough\n\nPresident Trump and Putin"


def test_verbatim_occurrence_wins_over_typographic_look_alikes():
    text = "it\u2019s here and it's there"
    span = resolve_span(text, exact="it's")
    assert span.exact == "it's"
    assert (span.start, span.end) == (text.index("it's"), text.index("it's") + 4)


def test_case_stays_significant():
    with pytest.raises(QuoteNotFound):
        resolve_span(LAIST, exact="anchorage, alaska - president")


def test_partial_ellipsis_is_not_matched_by_dots():
    with pytest.raises(QuoteNotFound):
        resolve_span("wait\u2026 what", exact="wait..")


# --------------------------------------------------------------------------- ambiguity and context


def test_ambiguous_quote_lists_every_occurrence_sorted():
    expected, i = [], SUMMIT.find("Trump")
    while i != -1:
        expected.append((i, i + 5))
        i = SUMMIT.find("Trump", i + 1)
    with pytest.raises(AmbiguousQuote) as err:
        resolve_span(SUMMIT, exact="Trump")
    assert err.value.candidates == expected
    assert err.value.total == len(expected) == 9
    assert err.value.field == "exact"


def test_overlapping_occurrences_count_as_ambiguous():
    with pytest.raises(AmbiguousQuote) as err:
        resolve_span("aaa", exact="aa")
    assert err.value.candidates == [(0, 2), (1, 3)]


def test_candidates_are_capped_at_twenty():
    with pytest.raises(AmbiguousQuote) as err:
        resolve_span("ab " * 30, exact="ab")
    assert len(err.value.candidates) == 20
    assert err.value.candidates[0] == (0, 2)
    assert err.value.total == 30


def test_prefix_picks_one_occurrence():
    span = resolve_span(SUMMIT, exact="Trump", prefix="with Putin inviting ")
    assert SUMMIT[span.start - 20 : span.end] == "with Putin inviting Trump"


def test_suffix_picks_one_occurrence():
    span = resolve_span(SUMMIT, exact="Trump", suffix=" said.")
    assert SUMMIT[span.start : span.end + 6] == "Trump said."


def test_prefix_longer_than_context_units_is_accepted():
    long_prefix = "as the Ukraine war entered its third year and bilateral relations reached a post-Cold War low. Both leaders indicated they were open to continuing dialogue, with Putin inviting "
    assert utf16_units(long_prefix) > CONTEXT_UNITS
    span = resolve_span(SUMMIT, exact="Trump", prefix=long_prefix)
    assert SUMMIT[span.end :] == " to Moscow."


def test_hand_typed_prefix_is_normalized_too():
    span = resolve_span(SUMMIT, exact="Trump", prefix="we've made some headway,\" ")
    assert SUMMIT[span.start : span.end + 6] == "Trump said."


def test_prefix_matching_no_occurrence_is_not_found_and_says_so():
    with pytest.raises(QuoteNotFound) as err:
        resolve_span(SUMMIT, exact="Trump", prefix="Melania ")
    assert err.value.field == "prefix"
    assert "9 time" in err.value.message


def test_returned_context_is_the_text_around_the_span_capped_at_32_units():
    span = resolve_span(SUMMIT, exact="highly anticipated summit")
    assert span.prefix == SUMMIT[span.start - 32 : span.start]
    assert span.suffix == SUMMIT[span.end : span.end + 32]
    assert len(span.prefix) == len(span.suffix) == CONTEXT_UNITS


def test_context_stops_at_the_edges_of_the_text():
    span = resolve_span(SUMMIT, start=0, end=6)
    assert span.exact == "Alaska"
    assert span.prefix == ""
    tail = resolve_span(SUMMIT, start=len(SUMMIT) - 7, end=len(SUMMIT))
    assert tail.exact == "Moscow."
    assert tail.suffix == ""


# --------------------------------------------------------------------------- errors


def test_quote_not_in_text_is_not_found():
    with pytest.raises(QuoteNotFound) as err:
        resolve_span(SUMMIT, exact="Putin conceded Crimea")
    assert err.value.field == "exact"
    assert "not in the source text" in err.value.message


def test_offsets_and_quote_that_disagree_are_a_mismatch():
    start = SUMMIT.index("Anchorage")
    with pytest.raises(SpanMismatch) as err:
        resolve_span(SUMMIT, start=start, end=start + 9, exact="Moscow")
    assert err.value.field == "exact"
    assert "'Anchorage'" in err.value.message


def test_offsets_with_hand_typed_quote_agree_and_keep_source_text():
    start = SUMMIT.index("there\u2019s no deal")
    span = resolve_span(SUMMIT, start=start, end=start + 15, exact="there's no deal")
    assert span.exact == "there\u2019s no deal"


def test_prefix_and_suffix_are_not_enforced_when_offsets_are_given():
    span = resolve_span(SUMMIT, start=0, end=6, exact="Alaska", prefix="nonsense", suffix="nonsense")
    assert (span.start, span.end) == (0, 6)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(-1, 5, "start"), (0, 10_000, "end"), (10_000, 10_001, "start"), (5, 5, "end"), (6, 5, "end")],
)
def test_offsets_outside_the_text_or_empty_are_out_of_range(start, end, field):
    with pytest.raises(SpanOutOfRange) as err:
        resolve_span(SUMMIT, start=start, end=end)
    assert err.value.field == field
    assert err.value.message


def test_span_ending_exactly_at_text_end_is_valid():
    assert resolve_span("abc", start=0, end=3).exact == "abc"


@pytest.mark.parametrize(("start", "end"), [(True, 3), (0, "3"), (0, 2.0)])
def test_offsets_must_be_integers(start, end):
    with pytest.raises(SpanOutOfRange):
        resolve_span("abc", start=start, end=end)


def test_one_offset_alone_is_rejected_naming_the_missing_one():
    with pytest.raises(SpanOutOfRange) as err:
        resolve_span("abc", start=1)
    assert err.value.field == "end"


def test_nothing_given_is_rejected():
    with pytest.raises(SpanOutOfRange) as err:
        resolve_span("abc")
    assert err.value.field == "span"


@pytest.mark.parametrize("exact", ["", "   ", "\n\u00a0"])
def test_empty_or_blank_quote_is_rejected(exact):
    with pytest.raises(SpanOutOfRange) as err:
        resolve_span(SUMMIT, exact=exact)
    assert err.value.field == "exact"


def test_all_span_errors_are_value_errors_with_field_and_message():
    for cls in (SpanOutOfRange, QuoteNotFound, SpanMismatch):
        assert issubclass(cls, SpanError) and issubclass(cls, ValueError)
    assert issubclass(AmbiguousQuote, SpanError)


# --------------------------------------------------------------------------- UTF-16 and characters


def test_utf16_offsets_round_trip_with_emoji():
    offsets = Utf16Offsets(EMOJI)
    assert offsets.utf16_length == utf16_units(EMOJI)
    for cp in range(len(EMOJI) + 1):
        u = offsets.to_utf16(cp)
        assert u == utf16_units(EMOJI[:cp])
        assert offsets.to_code_points(u) == cp


def test_utf16_offset_inside_surrogate_pair_is_rejected():
    offsets = Utf16Offsets(EMOJI)
    inside = offsets.to_utf16(EMOJI.index("🗳")) + 1
    with pytest.raises(SpanOutOfRange) as err:
        offsets.to_code_points(inside, field="start")
    assert err.value.field == "start"
    assert "surrogate" in err.value.message


@pytest.mark.parametrize("bad", [-1, 10_000])
def test_utf16_offset_outside_text_is_rejected(bad):
    with pytest.raises(SpanOutOfRange) as err:
        Utf16Offsets(EMOJI).to_code_points(bad, field="end")
    assert err.value.field == "end"


def test_utf16_offsets_are_identity_for_bmp_text():
    offsets = Utf16Offsets(SUMMIT)
    assert offsets.utf16_length == len(SUMMIT)
    assert all(offsets.to_utf16(i) == i == offsets.to_code_points(i) for i in range(0, len(SUMMIT), 97))
    assert Utf16Offsets("").to_code_points(0) == 0


def test_emoji_quote_resolves_in_code_points():
    span = resolve_span(EMOJI, exact="now 👍🏽")
    assert (span.start, span.end) == (8, 14)
    assert span.exact == "now 👍🏽"


def test_context_never_splits_a_surrogate_pair():
    text = "a👍b"
    assert context(text, 2, 3, units=1) == ("", "")
    assert context(text, 2, 3, units=2) == ("👍", "")
    assert context(text, 0, 1, units=1) == ("", "")
    assert context(text, 0, 1, units=3) == ("", "👍b")


def test_context_in_emoji_text_fits_the_unit_budget_for_every_span():
    for units in range(0, 8):
        for start in range(len(EMOJI)):
            for end in range(start + 1, len(EMOJI) + 1):
                before, after = context(EMOJI, start, end, units)
                assert EMOJI[:start].endswith(before) and EMOJI[end:].startswith(after)
                assert utf16_units(before) <= units and utf16_units(after) <= units


def test_context_does_not_separate_emoji_from_its_modifiers():
    thumb = EMOJI.index("👍")
    assert context(EMOJI, thumb + 2, len(EMOJI), units=3)[0] == ""  # not the lone skin tone 🏽
    vote = EMOJI.index("🗳")
    assert context(EMOJI, 0, vote, units=2)[1] == ""  # not 🗳 without its U+FE0F
    assert context(EMOJI, 0, vote, units=3)[1] == "🗳\ufe0f"


def test_combining_characters_count_as_separate_code_points():
    text = "Zoe\u0301 wins"
    span = resolve_span(text, exact="e\u0301")
    assert (span.start, span.end) == (2, 4)
    assert Utf16Offsets(text).to_utf16(4) == 4


def test_context_does_not_start_with_an_orphaned_combining_mark():
    text = "Zoe\u0301 wins"
    before, _ = context(text, 5, 9, units=2)  # two units back would start at U+0301
    assert before == " "
    _, after = context(text, 0, 1, units=2)  # would end between e and its accent
    assert after == "o"


# --------------------------------------------------------------------------- scale and properties


def test_quote_near_end_of_two_mebibyte_text_resolves_with_fallback():
    filler = ("Putin said \u201cwe\u2019ll see\u201d \u2014 again.\u00a0\n" * 70_000)[: 2 * 1024 * 1024]
    text = filler + "the last word\u2019s here"
    span = resolve_span(text, exact="the last word's here")
    assert span.end == len(text)
    with pytest.raises(AmbiguousQuote) as err:
        resolve_span(text, exact="we'll see")
    assert err.value.total > 60_000


@given(st.text(min_size=1), st.data())
def test_offsets_resolve_to_exactly_that_text(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assume(is_cluster_boundary(text, start) and is_cluster_boundary(text, end))
    span = resolve_span(text, start=start, end=end)
    assert (span.start, span.end, span.exact) == (start, end, text[start:end])
    assert_consistent(text, span)


@given(st.text(), st.characters(categories=["Mn"]), st.text(), st.booleans())
def test_offsets_inside_a_user_perceived_character_are_refused(before, mark, after, as_start):
    # A letter and its combining mark are one user-perceived character (UAX #29, GB9).
    text = f"{before}e{mark}{after}"
    inside = len(before) + 1
    start, end = (inside, len(text)) if as_start else (0, inside)
    with pytest.raises(SpanOutOfRange, match="would split a user-perceived character"):
        resolve_span(text, start=start, end=end)


@given(st.text())
def test_utf16_offsets_round_trip_for_any_text(text):
    offsets = Utf16Offsets(text)
    assert offsets.utf16_length == utf16_units(text)
    for cp in range(len(text) + 1):
        u = offsets.to_utf16(cp)
        assert u == utf16_units(text[:cp])
        assert offsets.to_code_points(u) == cp


@given(st.text(min_size=1), st.data())
def test_quote_taken_from_text_resolves_to_itself_or_is_a_candidate(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    assume(quote.strip())
    # A span may not split a user-perceived character (test_text.py covers that refusal).
    assume(is_cluster_boundary(text, start) and is_cluster_boundary(text, end))
    try:
        span = resolve_span(text, exact=quote)
    except AmbiguousQuote as err:
        assert (start, end) in err.candidates or err.total > 20
    else:
        assert (span.start, span.end) == (start, end)
