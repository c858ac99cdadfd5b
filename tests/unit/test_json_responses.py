"""The API's JSON encoder (api.app.ReadableJSON): orjson for speed, the standard library where
orjson cannot go, and the same readable output either way."""
from __future__ import annotations

import json


def test_text_is_written_as_utf8_in_the_order_given(app):
    body = app.json.response({"zeta": "“Zoë” — 北京", "alpha": 1}).get_data()
    assert body == '{"zeta":"“Zoë” — 北京","alpha":1}'.encode()


def test_a_lone_surrogate_falls_back_to_an_escape_that_stays_valid_json(app):
    body = app.json.response({"detail": "bad \ud800 input"}).get_data()
    assert b"\\ud800" in body
    assert json.loads(body) == {"detail": "bad \ud800 input"}


def test_an_integer_beyond_64_bits_is_still_encoded(app):
    assert json.loads(app.json.dumps({"n": 2**70})) == {"n": 2**70}
