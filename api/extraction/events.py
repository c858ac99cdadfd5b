"""Events: noun phrases that name or describe an event, grouped into one event per kind.

A mention is a noun phrase headed by an event noun (summit, meeting, talks, press conference,
war, invasion, election, ruling, trial …) with its determiners and modifiers, or a named
EVENT entity ("World War II"). Hypothetical or planned events ("peace talks", "broader talks",
"any … talks") are left out. Within a document the mentions of one kind are one event
("the summit", "Friday's meeting", "the Anchorage summit"); named events stand alone.
Date: the first absolute date (Aug. 15, 2025 / 15 August 2025 / 2025-08-15) in a sentence
that mentions the event. Location: a place after "in"/"at" (with its ", State"), else a place
naming the event ("the Anchorage summit"). Participants: people named in the sentences that
mention it (twice, when it is mentioned often); wars get none (their parties are countries).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from .lexicon import EVENT_NOUNS, HYPOTHETICAL_CUES
from .types import ExtractedEvent, Mention

_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_DATE_MDY = re.compile(r"\b([A-Z][a-z]{2,8})\.? (\d{1,2}),? (\d{4})\b")
_DATE_DMY = re.compile(r"\b(\d{1,2}) ([A-Z][a-z]{2,8}) (\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_KIND_NAMES = {"press_conference": "press conference"}
_PLACES = ("GPE", "FAC", "LOC")


def _month(word: str) -> int | None:
    w = word.lower()
    if w.startswith("sept"):
        w = "sep"
    return _MONTHS.get(w[:3]) if w[:3] in _MONTHS and (len(w) == 3 or w.startswith(
        ("janu", "febr", "marc", "apri", "may", "june", "july", "augu", "sept", "octo", "nove", "dece"))) else None


def absolute_date(s: str) -> str | None:
    for m in _DATE_MDY.finditer(s):
        mo = _month(m.group(1))
        if mo and 1 <= int(m.group(2)) <= 31:
            return f"{int(m.group(3)):04d}-{mo:02d}-{int(m.group(2)):02d}"
    for m in _DATE_DMY.finditer(s):
        mo = _month(m.group(2))
        if mo and 1 <= int(m.group(1)) <= 31:
            return f"{int(m.group(3)):04d}-{mo:02d}-{int(m.group(1)):02d}"
    m = _DATE_ISO.search(s)
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        return m.group(0)
    return None


def _phrase(tok):
    """Start and end token of the noun phrase headed by `tok` (left modifiers only)."""
    start = tok.i
    for c in tok.lefts:
        if c.dep_ in ("det", "amod", "compound", "nummod", "poss", "quantmod", "nmod", "punct") or c.tag_ == "HYPH":
            start = min(start, c.left_edge.i)
    doc = tok.doc
    while start < tok.i and (doc[start].is_punct and doc[start].tag_ != "HYPH" or doc[start].tag_ == "POS"):
        start += 1
    return start, tok.i


def _location(tok, sent):
    """A place attached to the event noun (or its verb) by in/at, with a following ', Region'."""
    for head in (tok, tok.head):
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "at", "on"):
                for obj in prep.children:
                    if obj.dep_ == "pobj" and obj.ent_type_ in _PLACES:
                        ent = next(e for e in obj.doc.ents if e.start <= obj.i < e.end)
                        name = ent.text
                        nxt = obj.doc[ent.end: ent.end + 3]
                        if len(nxt) >= 2 and nxt[0].text == "," and nxt[1].ent_type_ == "GPE":
                            region = next(e for e in obj.doc.ents if e.start <= nxt[1].i < e.end)
                            name = f"{name}, {region.text}"
                        return name
    for c in tok.lefts:  # "the Anchorage summit"
        if c.dep_ == "compound" and c.ent_type_ in _PLACES:
            return c.text
    return None


def extract_events(parsed, text: str, mention_index) -> list[ExtractedEvent]:
    """Events in `parsed` [(doc, char offset, block)] (furniture already excluded)."""
    groups: dict[tuple[str, str], list] = defaultdict(list)  # (kind, name key) -> mentions
    for doc, offset, block in parsed:
        for ent in doc.ents:
            if ent.label_ == "EVENT" and ent.text[:1].isupper() and "\n" not in ent.text:
                head = ent.root.lower_
                kind = EVENT_NOUNS.get(head, "event")
                groups[(kind, ent.text)].append((doc, offset, ent.start, ent.end - 1, ent.root, ent.sent))
        for tok in doc:
            kind = EVENT_NOUNS.get(tok.lower_)
            if kind is None or not tok.tag_.startswith("NN") or tok.ent_type_ == "EVENT":
                continue
            if kind == "press_conference" and not any(c.lower_ in ("press", "news") for c in tok.lefts):
                continue
            if tok.lower_ == "talks" and tok.head.lower_ == "to":
                continue
            start, end = _phrase(tok)
            words = {doc[i].lower_ for i in range(start, end)}
            if words & HYPOTHETICAL_CUES:
                continue
            groups[(kind, "")].append((doc, offset, start, end, tok, tok.sent))

    events = []
    for (kind, name), found in groups.items():
        found.sort(key=lambda f: f[1] + f[0][f[2]].idx)
        mentions, sentences = [], []
        location = date = None
        label_counts: Counter = Counter()
        for doc, offset, start, end, tok, sent in found:
            s = offset + doc[start].idx
            e = offset + doc[end].idx + len(doc[end].text)
            mentions.append(Mention(s, e, text[s:e]))
            sentences.append((offset + sent.start_char, offset + sent.end_char))
            location = location or _location(tok, sent)
            date = date or absolute_date(sent.text)
            for c in tok.lefts:
                if c.dep_ == "compound" and c.text[:1].isupper() and c.ent_type_ in _PLACES:
                    label_counts[c.text] += 1
        mentions = list({(m.start, m.end): m for m in mentions}.values())
        participants: list[str] = []
        if kind != "war" and not name:
            seen: Counter = Counter()
            for a, z in set(sentences):
                seen.update({key for s, e, key in mention_index if a <= s < z})
            need = 2 if len(set(sentences)) >= 3 else 1
            participants = [k for k, n in seen.most_common() if n >= need]
        if name:
            ev_name = name
        else:
            noun = _KIND_NAMES.get(kind, kind)
            where = label_counts.most_common(1)[0][0] if label_counts else (location.split(",")[0] if location else None)
            ev_name = f"{where} {noun}" if where else noun
        key = re.sub(r"[^a-z0-9]+", "-", ev_name.lower()).strip("-")
        events.append(ExtractedEvent(key, ev_name, kind, date, location, participants, mentions))
    events.sort(key=lambda ev: ev.mentions[0].start)
    return events
