"""Public ids: every key round-trips, and no string makes decoding fail."""
from __future__ import annotations

from hypothesis import given, strategies as st

from api.domain.ids import PREFIXES, decode_id, encode_id

ALPHABET = "k3x9q2mavb7nc5tr8pzh4wyd6fjegs"


@given(st.integers(min_value=1, max_value=2**63 - 1), st.sampled_from(sorted(PREFIXES)))
def test_every_key_round_trips_through_its_public_id(pk, kind):
    assert decode_id(kind, encode_id(kind, pk)) == pk


@given(st.text(alphabet=ALPHABET, max_size=28) | st.text(max_size=40))
def test_any_string_decodes_to_none_or_to_the_key_it_canonically_encodes(code):
    pk = decode_id("claim", f"clm_{code}")
    assert pk is None or encode_id("claim", pk) == f"clm_{code}"


def test_a_code_beyond_any_key_is_not_an_id():
    # This code decodes to a number no BIGINT key can be (sqids cannot even encode it back).
    assert decode_id("event", "evt_zzzzzzzzzzzzzzzzzzzz") is None
    assert decode_id("claim", encode_id("event", 7)) is None and decode_id("event", "evt_") is None
