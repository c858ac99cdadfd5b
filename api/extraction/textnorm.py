"""String helpers for extraction. Folding rules live in api.domain.text (one module for the
span resolver, people lookup, `q` and extraction); this module only adapts them."""
from __future__ import annotations

import re

from api.domain.text import fold_search, variant_key

__all__ = ["fold", "name_words", "scrub", "variant_key"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def scrub(text: str) -> str:
    """Replace control characters and lone surrogates by spaces, one for one.

    The replacement keeps every offset valid (same length) while sparing the tokenizer and
    the statistical model input they were never trained on.
    """
    return _CONTROL.sub(" ", text)


def fold(s: str) -> str:
    """Case-, accent- and script-insensitive form (api.domain.text.fold_search): 'Zoë Müller' -> 'zoe muller'."""
    return fold_search(s)


def name_words(name: str) -> list[str]:
    """Words of a name as written (case kept: extraction reads capitals), without initials such as 'J.'."""
    return [t for t in name.replace("’", "'").split() if not re.fullmatch(r"[A-Z]\.?", t)]
