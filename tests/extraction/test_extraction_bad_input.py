"""Bad or odd input returns a result or raises a documented ValueError subclass, never crashes."""
import pytest

from api.extraction import MAX_CHARS, ExtractionInputError, ExtractionResult, NotText, TextTooLong, extract

ARTICLE = ("WASHINGTON — Senator Jane Holloway said on Tuesday that the bill would cut costs by 12%. "
           "\"We will pass it before the recess,\" Holloway told reporters. The vote is set for May 3, 2025.\n\n")


def assert_valid(result, text):
    assert isinstance(result, ExtractionResult)
    for p in result.people:
        for m in p.mentions:
            assert text[m.start:m.end] == m.exact
    for e in result.events:
        for m in e.mentions:
            assert text[m.start:m.end] == m.exact
    for c in result.claims:
        assert text[c.start:c.end] == c.exact and 0 <= c.checkworthiness <= 1
    result.to_dict()  # JSON-friendly


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \r\n", "\u00a0\u2003"])
def test_empty_or_whitespace_text_gives_an_empty_result(text):
    assert extract(text) == ExtractionResult()


@pytest.mark.parametrize("text", [
    "...!!!???", "— – - ( ) / • “ ” ’", "1234 5678", "#$%^&*", "a", "\ufeff",
    "Die Regierung hat am Dienstag beschlossen, die Steuern zu senken, sagte Kanzlerin Müller.",
    "Президент заявил, что переговоры продолжатся в пятницу.",
    "習近平主席は火曜日に演説した。",
    "🎉🗳️🇺🇦 👍🏽 " * 50,
    "Trump\x00 said\x07 the\x1b[31m war\x7f was over.\u200b\u202e",
    "Lone surrogate \ud800 here. Trump said the summit was a success on Friday.",
    "\"" * 500 + "“" * 500,
    "Mr." * 300,
    "President " * 400,
])
def test_odd_text_returns_a_result_with_exact_offsets(text):
    assert_valid(extract(text), text)


def test_emoji_before_a_name_keeps_code_point_offsets():
    text = "Thank you 🎉 said Mayor Zoë Castellanos on Sunday. 🗳️ Castellanos said turnout was 61%, a record."
    result = extract(text)
    assert_valid(result, text)
    assert [m.exact for m in result.people[0].mentions] == ["Zoë Castellanos", "Castellanos"]


def test_large_text_within_the_limit_is_processed_in_bounded_chunks():
    text = ARTICLE * 150  # ~30,000 code points, many paragraphs
    assert_valid(extract(text), text)
    one_line = ARTICLE.replace("\n", " ") * 80  # ~16,000 code points on a single line
    result = extract(one_line)
    assert_valid(result, one_line)
    assert len(result.claims) > 50


def test_text_over_the_hard_limit_raises_text_too_long_quickly():
    huge = "x" * (2 * 1024 * 1024)  # 2 MiB
    with pytest.raises(TextTooLong) as exc:
        extract(huge)
    assert isinstance(exc.value, ValueError) and isinstance(exc.value, ExtractionInputError)
    assert exc.value.limit == MAX_CHARS and exc.value.length == len(huge)


def test_limit_is_adjustable_per_call():
    with pytest.raises(TextTooLong):
        extract(ARTICLE, max_chars=10)


@pytest.mark.parametrize("value", [None, b"bytes are not text", 42, ["list"]])
def test_non_string_input_raises_not_text(value):
    with pytest.raises(NotText):
        extract(value)
    assert issubclass(NotText, ValueError)
