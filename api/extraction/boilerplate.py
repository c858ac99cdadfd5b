"""Splits a text into lines and tells page furniture from article text.

Runs before the statistical model (plain string rules), so furniture costs no NLP time.
Each line becomes a Block with a kind:
  body       article paragraphs: people, events and claims are extracted
  title      headlines, section names, lines without closing punctuation: people and
             events only (headlines are not claims)
  caption    photo captions and alt text (the lines right before a photo credit): people
             and events only
  embed      a social-media post's text (it carries a t.co / pic.twitter.com link): people,
             and quotations inside it as claims
  furniture  player controls, photo credits, sponsored/donation/fundraising text, embed
             signatures "— Name (@handle) Month D, YYYY", copyright lines: nothing
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .lexicon import CREDIT_CUES, FUNDRAISING_CUES, FURNITURE_LINES, STRONG_FUNDRAISING_CUES

BODY, TITLE, CAPTION, EMBED, FURNITURE = "body", "title", "caption", "embed", "furniture"

_LINK = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+")
_EMBED_LINK = re.compile(r"(?:https?://t\.co/|pic\.twitter\.com/|https?://(?:x|twitter)\.com/)\S*")
_SIGNATURE = re.compile(r"^[—–-]\s*.{1,80}\(@\w{1,30}\)\s*.{0,40}\d{4}\s*$")
_TIMESTAMP = re.compile(r"^\d{1,2}(?::\d{2}){1,2}(?:\s*/\s*\d{1,2}(?::\d{2}){1,2})?$")
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s*\d{4})", re.I)
_CLOSING = re.compile(r"[.!?…][\"'”’)\]]*$|[\"”]$")
_WORD = re.compile(r"\w+", re.U)
_PLAYER_WORDS = frozenset("listen now playing subscribe next up play pause live audio video watch".split())


@dataclass
class Block:
    start: int  # code-point offsets of the line's content (surrounding whitespace excluded)
    end: int
    kind: str
    masks: list[tuple[int, int]] = field(default_factory=list)  # links inside the line


def _norm_line(s: str) -> str:
    return re.sub(r"^[\W_]+|[\W_]+$", "", s.lower()).strip()


def _is_furniture_line(s: str) -> bool:
    low = s.lower()
    norm = _norm_line(s)
    words = _WORD.findall(low)
    if not words:  # "(", ")", "/", "•" …
        return True
    if norm in FURNITURE_LINES or _TIMESTAMP.match(s) or _COPYRIGHT.match(s) or _SIGNATURE.match(s):
        return True
    if all(w in _PLAYER_WORDS for w in words):
        return True
    if len(words) <= 8 and ("icon" in words or "logo" in words):
        return True
    if len(words) <= 12 and any(cue in low for cue in CREDIT_CUES):
        return True
    return _is_fundraising(low)


def _is_fundraising(low: str) -> bool:
    if any(cue in low for cue in STRONG_FUNDRAISING_CUES):
        return True
    return sum(low.count(cue) for cue in FUNDRAISING_CUES) >= 2


def _has_credit_cue(s: str) -> bool:
    low = s.lower()
    return any(cue in low for cue in CREDIT_CUES)


def _without_trailing_symbols(s: str) -> str:
    """`s` without the emoji, pictographs and joiners after its last word or punctuation
    ("… this year. 😀" ends with a full stop)."""
    end = len(s)
    while end > 0 and (s[end - 1].isspace() or unicodedata.category(s[end - 1]) in ("So", "Sk", "Cf", "Mn", "Cs")):
        end -= 1
    return s[:end]


def split_blocks(text: str, *, transcript: bool = False) -> list[Block]:
    """Non-blank lines of `text` as classified Blocks, in order.

    In a transcript every line is speech: a line without closing punctuation is still body
    text (transcribers often leave it off), never a headline.
    """
    lines: list[tuple[int, int]] = []
    pos = 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            lines.append((s, e))
    # blank-line gaps matter for captions: a caption sits directly above its credit
    adjacent = [i > 0 and "\n\n" not in text[lines[i - 1][1]:lines[i][0]].replace("\r", "")
                for i in range(len(lines))]

    kinds = [FURNITURE if _is_furniture_line(text[s:e]) else None for s, e in lines]

    # Photo credit blocks: "(" / name / "/" / agency / ")" over several short lines, or a single
    # "(Name/Agency)" line. The lines inside are furniture; the lines just above are a caption.
    i = 0
    while i < len(lines):
        seg = text[lines[i][0]:lines[i][1]]
        if seg.startswith("("):
            j = i
            while j < len(lines) and j - i < 8 and not text[lines[j][0]:lines[j][1]].endswith(")"):
                j += 1
            if j < len(lines) and any(_has_credit_cue(text[s:e]) for s, e in lines[i:j + 1]):
                for k in range(i, j + 1):
                    kinds[k] = FURNITURE
                k = i
                while k > 0 and adjacent[k] and i - k < 2 and kinds[k - 1] is None:
                    kinds[k - 1] = CAPTION
                    k -= 1
                i = j + 1
                continue
        elif _has_credit_cue(seg) and kinds[i] == FURNITURE and i > 0 and adjacent[i] and kinds[i - 1] is None:
            kinds[i - 1] = CAPTION
        i += 1

    blocks = []
    for (s, e), kind in zip(lines, kinds):
        seg = text[s:e]
        masks = [(s + m.start(), s + m.end()) for m in _LINK.finditer(seg)]
        if kind is None:
            if _EMBED_LINK.search(seg):
                kind = EMBED
            else:
                stripped = _without_trailing_symbols(_LINK.sub("", seg))
                kind = BODY if transcript or _CLOSING.search(stripped) or len(_WORD.findall(stripped)) > 25 else TITLE
        blocks.append(Block(s, e, kind, masks))
    return blocks
