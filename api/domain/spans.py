"""Spans: where a quote sits in a source text (see DESIGN.md, "Spans").

A span is given by code point offsets (TextPositionSelector), by the quoted text
with optional context (TextQuoteSelector), or both; `resolve_span` checks what was
given and fills in the rest. Pure (no Flask, no database), so it is tested without either.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from api.domain.text import FoldedText, cluster_boundaries, fold_quote, is_cluster_boundary

__all__ = [
    "CONTEXT_UNITS",
    "AmbiguousQuote",
    "QuoteNotFound",
    "Span",
    "SpanError",
    "SpanMismatch",
    "SpanOutOfRange",
    "Utf16Offsets",
    "context",
    "resolve_span",
]

# Browser anchoring libraries (Hypothesis, Apache Annotator) use about this much context.
CONTEXT_UNITS = 32

# An ambiguity error lists the candidates so a client can pick one; more than this is noise.
MAX_CANDIDATES = 20


class SpanError(ValueError):
    """A span that cannot be resolved. `field` names the offending input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class SpanOutOfRange(SpanError):
    """Offsets missing, not integers, outside the text, empty, or inside a surrogate pair."""


class QuoteNotFound(SpanError):
    """The quote (with its prefix/suffix) does not occur in the text."""


class SpanMismatch(SpanError):
    """Offsets and quote were both given and they disagree."""


class AmbiguousQuote(SpanError):
    """The quote occurs more than once. `candidates` are (start, end) code point offsets,
    sorted, at most MAX_CANDIDATES of them; `total` is how many there are in all."""

    def __init__(self, field: str, message: str, candidates: list[tuple[int, int]], total: int):
        super().__init__(field, message)
        self.candidates = candidates
        self.total = total


@dataclass(frozen=True)
class Span:
    start: int  # code points, end exclusive
    end: int
    exact: str  # always text[start:end] verbatim
    prefix: str  # up to CONTEXT_UNITS UTF-16 code units before start, never splitting a character
    suffix: str  # up to CONTEXT_UNITS UTF-16 code units after end, never splitting a character


# --------------------------------------------------------------------------- UTF-16

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # characters that take two UTF-16 units


class Utf16Offsets:
    """Converts offsets in one text between code points and UTF-16 code units.

    Build it once per text. Only the positions of non-BMP characters are kept, so a text
    without any (nearly all news text) costs O(1) memory and converts by identity.
    """

    def __init__(self, text: str):
        self.length = len(text)
        # max() scans in C and allocates nothing: cheap enough to run on every text.
        if not text or max(text) <= "\uffff":
            self._astral_cp: list[int] = []
        else:
            self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)]
        # Where each astral character starts in UTF-16 units: its code point offset plus
        # one extra unit for every astral character before it.
        self._astral_u16 = [cp + k for k, cp in enumerate(self._astral_cp)]
        self.utf16_length = self.length + len(self._astral_cp)

    def to_utf16(self, cp_offset: int, *, field: str = "span") -> int:
        _check_int(cp_offset, field)
        if not 0 <= cp_offset <= self.length:
            raise SpanOutOfRange(
                field, f"{field} {cp_offset} is outside the text (0 to {self.length} code points)."
            )
        if not self._astral_cp:
            return cp_offset
        return cp_offset + bisect_left(self._astral_cp, cp_offset)

    def to_code_points(self, utf16_offset: int, *, field: str = "span") -> int:
        _check_int(utf16_offset, field)
        if not 0 <= utf16_offset <= self.utf16_length:
            raise SpanOutOfRange(
                field,
                f"{field} {utf16_offset} is outside the text (0 to {self.utf16_length} UTF-16 code units).",
            )
        if not self._astral_cp:
            return utf16_offset
        before = bisect_left(self._astral_u16, utf16_offset)  # astral chars starting before it
        if before and self._astral_u16[before - 1] + 1 == utf16_offset:
            raise SpanOutOfRange(
                field,
                f"{field} {utf16_offset} falls between the two halves of a surrogate pair "
                f"(an emoji or other non-BMP character); move it by one.",
            )
        return utf16_offset - before


def _utf16_len(s: str) -> int:
    return len(s) + len(_ASTRAL.findall(s))


# --------------------------------------------------------------------------- context


def context(text: str, start: int, end: int, units: int = CONTEXT_UNITS) -> tuple[str, str]:
    """(prefix, suffix): at most `units` UTF-16 code units of text just before start and
    just after end, cut only at extended grapheme cluster boundaries (UAX #29), so never
    inside a surrogate pair, between a letter and its combining mark, or inside an emoji
    sequence or flag. A cluster longer than `units` leaves that side shorter (even empty)."""
    # Every code point is 1 or 2 units, so `units` code points always cover enough text.
    p = max(0, start - units)
    while _utf16_len(text[p:start]) > units:
        p += 1
    if p < start:
        p = next(b for b in cluster_boundaries(text, p, start) if b >= p)

    q = min(len(text), end + units)
    while _utf16_len(text[end:q]) > units:
        q -= 1
    if q > end:
        q = max(b for b in cluster_boundaries(text, end, q) if b <= q)
    return text[p:start], text[end:q]


# --------------------------------------------------------------------------- resolution


def _check_int(value: object, field: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SpanOutOfRange(field, f"{field} must be an integer, got {value!r}.")


def _check_offsets(text: str, start: int | None, end: int | None) -> None:
    if start is None or end is None:
        missing = "start" if start is None else "end"
        raise SpanOutOfRange(
            missing, f"Give both start and end (or leave both out and give exact); {missing} is missing."
        )
    _check_int(start, "start")
    _check_int(end, "end")
    n = len(text)
    for field, value in (("start", start), ("end", end)):
        if not 0 <= value <= n:
            raise SpanOutOfRange(field, f"{field} {value} is outside the text (0 to {n} code points).")
    if start >= end:
        raise SpanOutOfRange(
            "end", f"end must be greater than start (a span cannot be empty); got start={start}, end={end}."
        )


def _occurrences(haystack: str, needle: str) -> list[int]:
    """Start of every occurrence, overlapping ones included. str.find keeps this linear-ish."""
    found = []
    i = haystack.find(needle)
    while i != -1:
        found.append(i)
        i = haystack.find(needle, i + 1)
    return found


def _nearest_boundaries(text: str, i: int) -> str:
    """'3 or 5': the cluster boundaries either side of offset i."""
    around = cluster_boundaries(text, i - 64, i + 64)
    before = max((b for b in around if b < i), default=0)
    after = min((b for b in around if b > i), default=len(text))
    return f"{before} or {after}"


def _excerpt(s: str, limit: int = 80) -> str:
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


def resolve_span(
    text: str,
    *,
    start: int | None = None,
    end: int | None = None,
    exact: str | None = None,
    prefix: str | None = None,
    suffix: str | None = None,
) -> Span:
    """Resolve a span in text. Offsets are Unicode code points into text.

    Give start+end, or exact (optionally prefix/suffix to tell occurrences apart), or both.
    Raises a SpanError subclass saying what is wrong and what to do.
    """
    if exact is not None and not exact.strip():
        raise SpanOutOfRange(
            "exact", "exact is empty; give the quoted text, or leave it out and give start and end."
        )

    if start is None and end is None:
        if exact is None:
            raise SpanOutOfRange("span", "Give start and end, or exact (the quoted text), or both.")
        start, end = _find_quote(text, exact, prefix or "", suffix or "")
        field_from_quote = True
    else:
        field_from_quote = False
        _check_offsets(text, start, end)
        if exact is not None:
            actual = text[start:end]
            # Accept hand-typed variants here too; what we store is the source's own text.
            if actual != exact and fold_quote(actual) != fold_quote(exact):
                raise SpanMismatch(
                    "exact",
                    f"The text at {start}..{end} is {_excerpt(actual)}, not {_excerpt(exact)}; "
                    f"fix the offsets or the quote, or give only one of them.",
                )

    for field, offset in (("start", start), ("end", end)):
        if not is_cluster_boundary(text, offset):
            raise SpanOutOfRange(
                "exact" if exact is not None and field_from_quote else field,
                f"The span {start}..{end} would split a user-perceived character at {offset} "
                f"(a letter and its combining mark, an emoji sequence or a flag: an extended grapheme "
                f"cluster, UAX #29); move {field} to {_nearest_boundaries(text, offset)}.",
            )
    before, after = context(text, start, end)
    return Span(start=start, end=end, exact=text[start:end], prefix=before, suffix=after)


def _find_quote(text: str, exact: str, prefix: str, suffix: str) -> tuple[int, int]:
    # An occurrence that starts or ends inside a user-perceived character ("e" in "e\u0301")
    # is no occurrence of the quote: it counts only if none other exists, and then the span
    # check in resolve_span refuses it naming the boundary.
    occurrences = _occurrences(text, exact)
    verbatim = [i for i in occurrences
                if is_cluster_boundary(text, i) and is_cluster_boundary(text, i + len(exact))]
    if occurrences and not verbatim:
        return occurrences[0], occurrences[0] + len(exact)
    total = len(verbatim)
    matches = [
        (i, i + len(exact))
        for i in verbatim
        if text.endswith(prefix, 0, i) and text.startswith(suffix, i + len(exact))
    ]
    # Fall back to the folded comparison only when nothing matched verbatim, so a quote
    # copied exactly never becomes ambiguous with its look-alikes. Hand-typed context can
    # fail verbatim just like a hand-typed quote, hence also when context removed them all.
    if not matches and (not verbatim or prefix or suffix):
        folded = FoldedText(text)
        quote, want_before, want_after = fold_quote(exact), fold_quote(prefix), fold_quote(suffix)
        found = 0
        for i in _occurrences(folded.text, quote) if quote else ():
            where = folded.original(i, i + len(quote))
            if where is None:  # starts or ends inside a character's folded form
                continue
            s, e = where
            found += 1
            before_ok = folded.text.endswith(want_before, 0, i)
            if before_ok and folded.text.startswith(want_after, i + len(quote)):
                matches.append((s, e))
        total = total or found

    if len(matches) == 1:
        return matches[0]
    if not matches:
        if not total:
            raise QuoteNotFound(
                "exact",
                f"The quote {_excerpt(exact)} is not in the source text; copy it from the text, or give start and end.",
            )
        field = "prefix" if prefix else "suffix"
        raise QuoteNotFound(
            field,
            f"The quote occurs {total} time(s), but the given prefix/suffix match none of them; "
            f"copy them from the text just before/after the quote, or give start and end.",
        )
    raise AmbiguousQuote(
        "exact",
        f"The quote occurs {len(matches)} times; add prefix and/or suffix (the text just before/after it) "
        f"or give start and end to pick one.",
        candidates=matches[:MAX_CANDIDATES],
        total=len(matches),
    )
