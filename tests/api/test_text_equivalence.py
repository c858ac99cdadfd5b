"""Spans over text with combining marks, invisible characters and emoji, through the API,
on every backend: typed quotes match equivalent text, the stored span is the source's own."""
from __future__ import annotations

import unicodedata

RAMOS = "Jose\u0301 Ramos said the port reopened."
GERMAN = "The Ge\u00adsamt\u00adkonzept was approved; the fund\u200bing starts in 2027."


def _source(api, text: str) -> str:
    response = api.post("/v1/sources", json={"kind": "article", "title": "t", "text": text})
    assert response.status_code == 201, response.json
    return response.json["id"]


def _claim(api, source: str, query: str = "", **span):
    return api.post(f"/v1/claims{query}", json={"appearances": [{"source": source, **span}]})


def test_precomposed_quote_anchors_to_decomposed_text_and_returns_the_source_characters(api):
    source = _source(api, RAMOS)
    response = _claim(api, source, exact="Jos\u00e9 Ramos said")
    assert response.status_code == 201, response.json
    span = response.json["appearances"][0]
    assert (span["start"], span["end"], span["exact"]) == (0, 16, "Jose\u0301 Ramos said")
    assert response.json["text"] == "Jose\u0301 Ramos said"  # stored as in the source, never normalised


def test_decomposed_quote_anchors_to_precomposed_text(api):
    source = _source(api, unicodedata.normalize("NFC", RAMOS))
    response = _claim(api, source, exact="Jose\u0301 Ramos")
    assert response.status_code == 201, response.json
    assert response.json["appearances"][0]["exact"] == "Jos\u00e9 Ramos"


def test_a_span_splitting_a_letter_from_its_accent_is_422_naming_the_boundary(api):
    source = _source(api, RAMOS)
    by_quote = _claim(api, source, exact="Jose")
    by_offsets = _claim(api, source, start=0, end=4)
    assert by_quote.status_code == 422 and "appearances.0.exact" in by_quote.json["errors"]
    assert by_offsets.status_code == 422 and "appearances.0.end" in by_offsets.json["errors"]
    assert "user-perceived character at 4" in by_offsets.json["detail"]
    assert api.get("/v1/claims").json["data"] == []


def test_an_offset_inside_a_zwj_emoji_sequence_is_422_also_in_utf16(api):
    source = _source(api, "Family \U0001f468\u200d\U0001f469\u200d\U0001f467 day was announced.")
    # 7 + 2 UTF-16 units: after the man, before the first ZWJ.
    response = _claim(api, source, "?offsets=utf16", start=0, end=9)
    assert response.status_code == 422
    whole = _claim(api, source, "?offsets=utf16", start=0, end=15)
    assert whole.status_code == 201, whole.json
    assert whole.json["appearances"][0]["exact"] == "Family \U0001f468\u200d\U0001f469\u200d\U0001f467"


def test_typed_quotes_match_across_soft_hyphens_and_zero_width_spaces(api):
    source = _source(api, GERMAN)
    first = _claim(api, source, exact="Gesamtkonzept was approved")
    second = _claim(api, source, exact="the funding starts in 2027")
    assert first.status_code == 201 and second.status_code == 201, (first.json, second.json)
    assert [(a["start"], a["end"]) for a in (first.json["appearances"][0], second.json["appearances"][0])] == \
        [(4, 32), (34, 61)]
    assert second.json["appearances"][0]["exact"] == "the fund\u200bing starts in 2027"
