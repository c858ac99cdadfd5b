"""Speaker labels in transcripts: "TRUMP: …", "Chris Wallace: …", "MODERATOR (Kristen Welker): …".

A label at the start of a line sets the speaker for that line and every following unlabelled
line, until the next label (the usual layout of debate, hearing and press-conference
transcripts, e.g. the CheckThat! / ClaimBuster sources). The label itself is not part of the
statement: extraction parses the line from after the label, and the label is a mention of
the speaker. Generic role labels (MODERATOR, QUESTION, AUDIENCE …) name no person: their
turns have no speaker to attribute claims to, unless a name is given in parentheses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NAME_WORD = r"(?:[A-Z][A-Za-z'’.-]*|[A-Z]\.)"
# (matched at a line start) up to four capitalised words (or one all-caps run), an optional "(Name)", then a colon and a space
_LABEL = re.compile(rf"({_NAME_WORD}(?: {_NAME_WORD}){{0,3}})(?: \(([^()]{{1,60}})\))?:[ \t]+(?=\S)")
ROLE_LABELS = frozenset(
    """moderator moderators question questioner audience announcer unidentified unknown male female
    crowd participant panelist panel narrator host interviewer reporter reporters voice voices speaker
    system transcript note editor""".split()
)
_NOT_LABELS = frozenset("note update correction editor's warning source sources photo video watch read "
                        "breaking live update: q a".split())


@dataclass(frozen=True)
class SpeakerLabel:
    start: int  # code-point offsets of the name in the text (inside the label)
    end: int
    name: str | None  # the person named, or None for a role label ("MODERATOR")
    content_start: int  # where the line's statement starts (after "NAME: ")


def label_at(text: str, start: int, end: int) -> SpeakerLabel | None:
    """The speaker label opening the line text[start:end], if any."""
    m = _LABEL.match(text, start, end)
    if not m:
        return None
    words = m.group(1).split()
    if words[0].lower().rstrip(".:") in _NOT_LABELS:
        return None
    if m.group(2):  # "MODERATOR (Kristen Welker):" names the person in parentheses
        inner = m.group(2).strip()
        a = m.start(2) + m.group(2).index(inner)
        return SpeakerLabel(a, a + len(inner), inner, m.end())
    if all(w.lower().rstrip(".") in ROLE_LABELS for w in words):
        return SpeakerLabel(m.start(1), m.end(1), None, m.end())
    return SpeakerLabel(m.start(1), m.end(1), m.group(1), m.end())


def display_name(label: str) -> str:
    """"TRUMP" -> "Trump", "JOE BIDEN" -> "Joe Biden"; mixed case is kept as written."""
    return " ".join(w.capitalize() if w.isupper() and len(w) > 1 else w for w in label.split())
