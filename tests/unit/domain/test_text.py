"""Source text rules and name folding."""
from __future__ import annotations

import pytest

from api.domain.text import (
    UnstorableText, name_tokens, normalize_source_text, text_sha256, unstorable_path, utf16_length,
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


def test_name_tokens_fold_case_and_accents():
    assert name_tokens("Volodymyr Zelenskyy", "ZELENSKÝ") == {"volodymyr", "zelenskyy", "zelensky"}
