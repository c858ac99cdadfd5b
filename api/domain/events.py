"""When an extracted event is the same as a stored one (pure rule, no database).

An event extracted from a new source is matched to a stored event before a new one is created,
so that "the Alaska summit" of two articles, one giving the date and one the place, is one
event. Same event when all of these hold:
  - the same kind ("summit", "war", …), and the same name after folding case, accents,
    punctuation and a leading "the";
  - the dates, when both are known, are at most one day apart (time zones and reports written
    the day after put the same event on neighbouring dates);
  - the places, when both are known, are the same after folding, or one names a part of the
    other ("Anchorage" / "Anchorage, Alaska");
  - a generic name, the kind's noun alone ("press conference"), also needs a date or a place
    known on both sides that agree: two unnamed press conferences are not one by default.
"""
from __future__ import annotations

import re
from datetime import date

from api.domain.text import fold_search as _fold

MAX_DAYS_APART = 1


def event_name_key(name: str) -> str:
    """Folded name without punctuation or a leading article: "The Alaska Summit" -> "alaska summit"."""
    words = re.sub(r"[^\w\s]", " ", _fold(name)).split()
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _places_agree(a: str, b: str) -> bool:
    fa, fb = [event_name_key(x.split(",")[0]) for x in (a, b)]
    return fa == fb or fa in event_name_key(b) or fb in event_name_key(a)


def same_event(kind: str | None, name: str, starts_at: str | None, location: str | None,
               other_kind: str | None, other_name: str, other_starts_at: str | None,
               other_location: str | None, *, generic_names: frozenset[str] = frozenset()) -> bool:
    """True when the two events (kind, name, start date YYYY-MM-DD…, place) are one event.

    `generic_names` are name keys that say nothing but the kind ("summit", "press conference").
    """
    if (kind or "") != (other_kind or "") or event_name_key(name) != event_name_key(other_name):
        return False
    d1, d2 = _day(starts_at), _day(other_starts_at)
    dates_known = d1 is not None and d2 is not None
    if dates_known and abs((d1 - d2).days) > MAX_DAYS_APART:
        return False
    places_known = bool(location) and bool(other_location)
    if places_known and not _places_agree(location, other_location):
        return False
    if event_name_key(name) in generic_names:
        return dates_known or places_known
    return True
