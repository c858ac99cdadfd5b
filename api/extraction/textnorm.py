"""String normalisation for name matching (pure functions)."""
from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def scrub(text: str) -> str:
    """Replace control characters and lone surrogates by spaces, one for one.

    The replacement keeps every offset valid (same length) while sparing the tokenizer and
    the statistical model input they were never trained on.
    """
    return _CONTROL.sub(" ", text)


def fold(s: str) -> str:
    """Case- and accent-insensitive form: 'Zoë Müller' -> 'zoe muller'."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").replace("ł", "l").replace("Ł", "L")
    s = s.replace("’", "'").replace("‘", "'")
    return " ".join(s.casefold().split())


def variant_key(word: str) -> str:
    """Key under which transliteration variants of one name collide.

    Zelenskyy / Zelensky / Zelenskiy / Zelenskyi -> 'zelensky'; Müller / Mueller -> 'muller';
    Dmitri / Dmitry -> 'dmitry'. Both sides of a comparison go through the same key, so the
    collapsing only has to be consistent, not linguistically exact.
    """
    s = fold(word)
    s = re.sub(r"[^a-z]", "", s)
    s = s.replace("ue", "u").replace("oe", "o").replace("ae", "a")
    s = re.sub(r"(iy|yy|yi|ii|ij)$", "y", s)
    s = re.sub(r"i$", "y", s)
    s = re.sub(r"(.)\1+", r"\1", s)  # doubled letters: Zelenskyy, Gaddafi/Qaddafi partly
    s = s.replace("kh", "h").replace("ck", "k")
    return s


def name_tokens(name: str) -> list[str]:
    """Words of a name without initials such as 'J.'."""
    return [t for t in name.replace("’", "'").split() if not re.fullmatch(r"[A-Z]\.?", t)]
