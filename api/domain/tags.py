"""What a claim tag may contain. Tags are short labels that travel through URLs (`?tag=`)
and spreadsheets, where a claim's tags share one cell joined by TAG_SEPARATOR."""
from __future__ import annotations

import unicodedata

import regex

TAG_SEPARATOR = ";"
MAX_TAG_LENGTH = 64
# A letter or digit first (so never a spreadsheet formula start: = + - @), then letters,
# combining marks, digits, spaces and - _ . : / # & + ' — never a CSV delimiter (, ; tab),
# a quote or a line break, so a tag is one tag in every spreadsheet dialect.
_TAG = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N} _.:/#&+'\-]*")
TAG_RULE = (f"1..{MAX_TAG_LENGTH} characters: letters, digits, spaces and - _ . : / # & + ' "
            f"starting with a letter or digit (no , or {TAG_SEPARATOR}, which separate tags in a spreadsheet)")


def normalize_tag(tag: str) -> str:
    """How a tag is stored and looked up: NFC, lower case, spaces collapsed ('  Covid 19 ' → 'covid 19')."""
    # Only spaces collapse: a tab or line break is no part of a tag (is_valid_tag refuses it).
    return " ".join(part for part in unicodedata.normalize("NFC", tag).lower().split(" ") if part)


def is_valid_tag(tag: str) -> bool:
    tag = normalize_tag(tag)
    return 0 < len(tag) <= MAX_TAG_LENGTH and _TAG.fullmatch(tag) is not None
