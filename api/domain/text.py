"""Rules for stored text and for matching names."""
from __future__ import annotations

import hashlib
import re

from anyascii import anyascii

BOM = "\ufeff"
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAME_WORD = re.compile(r"[a-z0-9]+")


class UnstorableText(ValueError):
    pass


def normalize_source_text(text: str) -> str:
    """Source text is stored as given, but for a leading BOM; some text cannot be stored at all."""
    if text.startswith(BOM):
        text = text[1:]
    if "\x00" in text:
        raise UnstorableText("Text contains U+0000 (NUL), which cannot be stored.")
    if _SURROGATE.search(text):
        raise UnstorableText("Text contains a lone surrogate (invalid Unicode), which cannot be stored.")
    if not text.strip():
        raise UnstorableText("Text is empty.")
    return text


def unstorable_path(value, path: str = "") -> str | None:
    """The dotted path of the first string (key or value) in a JSON document that no
    database can store (U+0000 or a lone surrogate), or None."""
    if isinstance(value, str):
        return path or "_body" if "\x00" in value or _SURROGATE.search(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and unstorable_path(key) is not None:
            return where
        found = unstorable_path(item, where)
        if found is not None:
            return found
    return None


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def name_tokens(*names: str) -> set[str]:
    """Case- and accent-folded words: 'Volodymyr Zelenskyy' → {'volodymyr', 'zelenskyy'}."""
    return {word for name in names for word in _NAME_WORD.findall(anyascii(name).lower())}
