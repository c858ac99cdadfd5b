"""The one text-folding module: stored text rules, quote folding, search folding, grapheme clusters.

Two folding levels, each a superset of the one before (README, "Text folding", has the table):

- `fold_quote` — what a hand-typed quote may differ in from the source and still match a span:
  canonical equivalence (NFD), invisible characters dropped, typographic quotes, dashes,
  ellipsis and every Unicode space folded to their ASCII look-alikes, whitespace runs to one
  space. Case is kept: a quote is a quote.
- `fold_search` — for people lookup (`?name=`), `q` and extraction's name matching: the quote
  level, then compatibility forms (NFKD), combining marks dropped, case folded (Unicode), every
  script transliterated to ASCII (anyascii), apostrophes and modifier letters inside a word
  dropped so that a word stays one word (Зеленський → zelenskiy, O’Brien → obrien).

Offsets are Unicode code points. The unit a span may not split is the extended grapheme
cluster of UAX #29 (the `regex` package's \\X).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right

import regex
from anyascii import anyascii

BOM = "\ufeff"
_SURROGATE = re.compile("[\ud800-\udfff]")


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


def unstorable_argument(args) -> str | None:
    """The name of the first query argument (a werkzeug MultiDict) whose name or value holds what
    unstorable_path refuses, or None: Flask's input check (api.app) and a page served before it."""
    return next((name for name, value in args.items(multi=True)
                 if unstorable_path(name) or unstorable_path(value)), None)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- grapheme clusters

_CLUSTER = regex.compile(r"\X")


_SAFE = regex.compile(r"(?r)(?:\n|[ ](?=[A-Za-z0-9]))")  # searched backwards


def _safe_start(text: str, i: int) -> int:
    """A position at or before i where a cluster certainly starts and segmenting from there
    gives the same boundaries as from the start of the text: after a line feed (UAX #29 GB4
    breaks after every control character), or between a space and an ASCII letter or digit
    (no rule joins those, and neither is a regional indicator or pictograph that later rules
    look back to). Only the last 4,096 code points are searched, then the line start is used."""
    found = _SAFE.search(text, max(0, i - 4096), min(len(text), i + 1))
    if found is not None and found.end() <= i:
        return found.end()
    return text.rfind("\n", 0, i) + 1


def cluster_boundaries(text: str, lo: int, hi: int) -> list[int]:
    """Sorted extended grapheme cluster boundaries b with lo <= b <= hi (code points)."""
    lo, hi = max(0, lo), min(len(text), hi)
    begin = _safe_start(text, lo)
    found = [lo] if begin == lo else []
    for m in _CLUSTER.finditer(text, begin):
        end = m.end()
        if end > hi:
            break
        if end >= lo and (not found or found[-1] != end):
            found.append(end)
    return found


def is_cluster_boundary(text: str, i: int) -> bool:
    """Does offset i (code points) fall between two user-perceived characters?"""
    if i <= 0 or i >= len(text):
        return True
    return i in cluster_boundaries(text, i, i)


# --------------------------------------------------------------------------- quote folding

# Characters nobody can type that pasted news text is full of: soft hyphen, zero width
# space/non-joiner/joiner, word joiner, invisible operators, BOM, bidi marks, embeddings and
# isolates, Mongolian vowel separator, Arabic letter mark. Dropped by both folding levels.
INVISIBLE = frozenset(
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\u061c"
)
_WHITESPACE = frozenset(chr(c) for c in range(0x3001) if chr(c).isspace())  # none lie above U+3000
# One code point for one: typographic punctuation and its ASCII look-alike.
QUOTE_FOLDS = {
    **{c: "'" for c in "\u2018\u2019\u201a\u201b\u02bc\u2032"},  # ‘ ’ ‚ ‛ ʼ ′
    **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"},  # “ ” „ ‟ ″
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},  # ‐ ‑ ‒ – — ― −
    "\u2026": "...",  # …
}


def _fold_cluster(cluster: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFD", cluster):
        if ch in INVISIBLE:
            continue
        out.append(" " if ch in _WHITESPACE else QUOTE_FOLDS.get(ch, ch))
    return "".join(out)


# Printable ASCII but the space: each such character is a cluster of its own (no UAX #29 rule
# joins it to the character before), and folds to itself.
_PLAIN_RUN = re.compile(r"[!-~]+")


class FoldedText:
    """`fold_quote` of a text, with a map from folded offsets back to the text's own.

    Each grapheme cluster of the original folds on its own, so a match in the folded text
    maps back to whole clusters or to nothing: `original(i, j)` is the code point span of a
    folded match [i, j), or None when i or j falls inside one cluster's folded form.
    Runs of plain ASCII (nearly all of an English text) are kept as single identity pieces,
    so building the map costs one regex pass plus work on the other characters only.
    """

    def __init__(self, original: str):
        self._pieces: list[str] = []
        self._starts: list[int] = []  # folded start of each piece
        self._spans: list[tuple[int, int]] = []  # the original span each piece covers
        self._identity: list[bool] = []  # a plain run: every character its own cluster
        self._length = 0
        self._pending_space: tuple[int, int] | None = None  # a whitespace run becomes one space
        done = 0
        for m in _PLAIN_RUN.finditer(original):
            start, end = m.span()
            if end < len(original) and original[end] > "~":
                end -= 1  # the next character may be a combining mark of this one
            if start >= end:
                continue
            self._clusters(original, done, start)
            self._flush_space()
            self._add(original[start:end], (start, end), identity=True)
            done = end
        self._clusters(original, done, len(original))
        self._flush_space()
        self.text = "".join(self._pieces)
        self._starts.append(self._length)

    def _add(self, folded: str, span: tuple[int, int], *, identity: bool = False) -> None:
        self._starts.append(self._length)
        self._spans.append(span)
        self._identity.append(identity)
        self._pieces.append(folded)
        self._length += len(folded)

    def _flush_space(self) -> None:
        if self._pending_space:
            self._add(" ", self._pending_space)
            self._pending_space = None

    def _clusters(self, original: str, start: int, end: int) -> None:
        for m in _CLUSTER.finditer(original, start, end):
            folded = _fold_cluster(m.group())
            if not folded:
                continue
            if folded.strip(" ") == "":
                pending = self._pending_space
                self._pending_space = (pending[0], m.end()) if pending else m.span()
                continue
            self._flush_space()
            self._add(folded, m.span())

    def original(self, i: int, j: int) -> tuple[int, int] | None:
        k = bisect_right(self._starts, i) - 1
        last = bisect_right(self._starts, j - 1) - 1
        if k < 0 or last >= len(self._spans):
            return None
        if self._identity[k]:
            start = self._spans[k][0] + i - self._starts[k]
        elif self._starts[k] == i:
            start = self._spans[k][0]
        else:
            return None
        if self._identity[last]:
            end = self._spans[last][0] + j - self._starts[last]
        elif self._starts[last + 1] == j:
            end = self._spans[last][1]
        else:
            return None
        return start, end


def fold_quote(s: str) -> str:
    """The quote-level fold of s (see the module docstring); the same for both sides of a match."""
    return FoldedText(s).text


# --------------------------------------------------------------------------- search folding

# Words a search parameter (`name`, `q`) may hold. Each word is a condition in the query; far
# more than anyone types, and far below what SQLite's parser stack (depth 100) can nest.
MAX_SEARCH_WORDS = 20

_APOSTROPHES = "'\u2018\u2019\u02b9\u02bb\u02bc\u02bd\u02be\u02bf\u02c8\u2032`\u00b4"
_IN_WORD_APOSTROPHE = re.compile(rf"(?<=\w)[{_APOSTROPHES}]+(?=\w)")
_SEARCH_WORD = re.compile(r"[a-z0-9]+")


def fold_search(s: str) -> str:
    """The search-level fold: ASCII lower case, words separated by single spaces.

    'Volodymyr Zelenskyy' → 'volodymyr zelenskyy'; 'Зеленський' → 'zelenskiy';
    'O’Brien' → 'obrien'; 'Jose\\u0301' → 'jose'; 'Ge\\u00adsamt' → 'gesamt'.
    """
    s = "".join(ch for ch in unicodedata.normalize("NFC", s) if ch not in INVISIBLE)
    # Modifier letters (ʼ ʻ ʹ …) and apostrophes inside a word join it; a soft sign that
    # transliterates to an apostrophe (Зеленський → Zelens'kiy) must not split a name either.
    # Transliteration comes before accent stripping, which would turn Й into И; and before
    # case folding, as anyascii spells a letter by its case.
    s = _IN_WORD_APOSTROPHE.sub("", anyascii(_IN_WORD_APOSTROPHE.sub("", s)))
    s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch)).casefold()
    return " ".join(_SEARCH_WORD.findall(s))


def search_words(s: str) -> list[str]:
    """The words of s after `fold_search`, in order, repeats kept."""
    return fold_search(s).split()


def name_tokens(*names: str) -> set[str]:
    """Search-folded words of names and their transliteration variant keys (`variant_key`):
    'Volodymyr Zelenskyy' → {'volodymyr', 'zelenskyy', 'volodimir', 'zelenski'}. What people
    lookup indexes, and what it looks up: Зеленський → {'zelenskiy', 'zelenski'} meets Zelenskyy."""
    words = {word for name in names for word in search_words(name)}
    return words | {key for key in map(variant_key, words) if key}


def variant_key(word: str) -> str:
    """Key under which transliteration variants of one name word collide.

    Zelenskyy / Zelensky / Zelenskiy / Zelenskyi / Зеленський → 'zelenski'; Volodymyr /
    Володимир → 'volodimir'; Müller / Mueller → 'muller'; Dmitri / Dmitry → 'dmitri'. Both sides of a comparison go through the same key,
    so the collapsing only has to be consistent, not linguistically exact.
    """
    s = "".join(search_words(word))
    s = s.replace("ue", "u").replace("oe", "o").replace("ae", "a")
    s = re.sub(r"(iy|yy|yi|ii|ij)$", "y", s)
    s = re.sub(r"i$", "y", s)
    s = re.sub(r"(.)\1+", r"\1", s)  # doubled letters: Zelenskyy, Gaddafi/Qaddafi partly
    # и/ы/і are y in one romanisation and i in another (Volodymyr / Volodimir, Dmitry / Dmitri).
    return s.replace("kh", "h").replace("ck", "k").replace("y", "i")


# --------------------------------------------------------------------------- full-text folding

_LATIN_MARKS = re.compile("(?<=[A-Za-z])[\u0300-\u036f]+")
_FULLTEXT_WORD = re.compile(r"[^\W_]+")


def fold_fulltext(s: str) -> str:
    """What the full-text indexes hold of a document (migration 0004 does the same in SQL):
    invisible characters dropped, combining marks after a Latin letter dropped (José → Jose,
    as SQLite FTS5's remove_diacritics 2 does), recomposed (NFC). Other scripts are kept as
    written (Зеленський stays Cyrillic); case is folded by the database."""
    s = "".join(ch for ch in s if ch not in INVISIBLE)
    return unicodedata.normalize("NFC", _LATIN_MARKS.sub("", unicodedata.normalize("NFD", s)))


def fulltext_words(q: str) -> list[str]:
    """The words of a `q` search: letters and digits of any script, split where both
    databases' tokenizers split (punctuation, spaces, underscores)."""
    return _FULLTEXT_WORD.findall(fold_fulltext(q))


_TOKEN_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"  # what fold_search leaves, in every collation's order


def prefix_upper_bound(prefix: str) -> str | None:
    """The least string of the search alphabet after every string starting with `prefix`
    ('zelensk' → 'zelensl', 'abz' → 'ac'); None when there is none ('zz').

    `token >= prefix AND token < bound` is a prefix match an index answers. The bound stays
    inside [0-9a-z], where the C, ICU and glibc collations agree; a bound like prefix + '~'
    does not (en_US.UTF-8 ignores punctuation, so 'zelenskyy' < 'zelensky~' is false there).
    """
    chars = list(prefix)
    while chars:
        position = _TOKEN_ALPHABET.find(chars[-1])
        if 0 <= position < len(_TOKEN_ALPHABET) - 1:
            chars[-1] = _TOKEN_ALPHABET[position + 1]
            return "".join(chars)
        chars.pop()
    return None
