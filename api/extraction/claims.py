"""Claims: check-worthy statements at sentence or clause granularity.

Three kinds, never overlapping within a document:
  direct_quote  the words inside a stand-alone quotation (one that opens a paragraph or
                follows sentence punctuation, a colon or a comma). Short or embedded quotes
                ("severe consequences", called the summit "very productive") stay inside
                the sentence around them.
  attributed    a sentence whose main verb is a speech verb (said, told, stressed, noting …);
                the claimant is that verb's subject resolved to a person.
  reported      any other body sentence with a finite verb: the outlet's own statement. A
                sentence that joins two statements with ", as/while/although <subject> <verb>"
                is split into two clauses, so each can be checked on its own.
A quotation's speaker comes from the frame after it ('," Trump said.' / '” – Name'), else
the frame before it, else the last person who was the subject of a sentence in the same
paragraph or speaker turn, when the pronoun's gender does not contradict it ("he said").
Frames themselves ("Trump told reporters.") are not claims.

Which candidates become claims, and their `checkworthiness`, is decided by the trained model
(checkworthiness.py): a candidate is kept when its calibrated score reaches the model's
threshold. A few rules run first because no score should overrule them: questions,
hand-offs addressed to a person ("Mr. Trump, two minutes."), and fragments under four words
are never claims. A claim's `text` is the statement without its attribution: the clause a
speech verb reports ("X claimed that unemployment had doubled, a figure the agency disputes"
-> "unemployment had doubled"), the words inside a quotation, else the span itself.
In transcripts a turn's claims belong to its speaker unless the sentence attributes them.
"""
from __future__ import annotations

import bisect
import re

from .lexicon import ATTRIBUTION_VERBS, WEAK_ATTRIBUTION_VERBS
from .types import ExtractedClaim

_OPEN = {"“": "”", '"': '"', "«": "»", "„": "“"}
_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"  # upper-case letters, Latin-1 and Latin Extended-A included
# A news dateline opening a text: "FRANKFURT —", "ANCHORAGE, Alaska —", "FRANKFURT (Reuters) —",
# "FRANKFURT, Oct 31 (Reuters) -" (an all-caps place, up to four more words or date parts, an
# optional agency in parentheses, then a dash or colon), or "Washington:".
_DATELINE = re.compile(
    rf"^(?:[{_UP}][{_UP}.'’-]{{2,}}(?:[ ,]+(?:[{_UP}][\w.'’-]*|\d{{1,4}}))"
    rf"{{0,4}},?(?:\s*\([^()\n]{{1,40}}\))?\s*(?:—|–|--|-(?=\s)|:)|[{_UP}]\w+(?: [{_UP}]\w+)?:)\s*"
)
_STANDALONE_BEFORE = set(".:;!?…—–-,")
_SPLIT_MARKS = frozenset("as while whereas although though".split())
_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
_SPEAKER_PRONOUNS = frozenset("i we".split())
_HONORIFIC_GENDER = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "madam": "f", "dame": "f", "lord": "m",
                     "lady": "f", "king": "m", "queen": "f", "congressman": "m", "congresswoman": "f"}
# After the statement a speech verb reports: an appended comment on it, not part of it
# ("…had doubled since 2022, a figure the agency disputes").
_TRAILING_COMMENT = frozenset(("appos", "npadvmod", "dep", "parataxis"))
_MIN_WORDS = 4
_HAND_OFF_MAX_TOKENS = 12  # "Senator, you have one minute to respond to that." and shorter
_FRAME_MAX_WORDS = 12  # a speech-verb sentence this short next to a quotation is its frame


def find_quotes(s: str) -> list[tuple[int, int]]:
    """(open, close) indexes of quotation marks in `s`; close == len(s) when never closed."""
    out, i = [], 0
    while i < len(s):
        ch = s[i]
        if ch in _OPEN and (ch != '"' or i == 0 or not s[i - 1].isalnum()):
            close = s.find(_OPEN[ch], i + 1)
            if close < 0:
                close = len(s)
            out.append((i, close))
            i = close + 1
        else:
            i += 1
    return out


def _words(s: str) -> int:
    return len(re.findall(r"\w+", s))


def _standalone(s: str, open_: int, close: int) -> bool:
    before = s[:open_].rstrip()
    if _words(s[open_ + 1:close]) < _MIN_WORDS:
        return False
    return not before or before[-1] in _STANDALONE_BEFORE or bool(_DATELINE.fullmatch(before + " "))


def _inner(s: str, open_: int, close: int) -> tuple[int, int]:
    a, z = open_ + 1, close
    while a < z and s[a].isspace():
        a += 1
    while z > a and (s[z - 1].isspace() or s[z - 1] in ",;:"):
        z -= 1
    return a, z


def _trim(s: str, a: int, z: int) -> tuple[int, int]:
    while a < z and (s[a].isspace() or s[a] in ",;:—–-)"):
        a += 1
    while z > a and (s[z - 1].isspace() or s[z - 1] in ",;:—–-("):
        z -= 1
    return a, z


class _People:
    """Maps character offsets to person keys via the mention index."""

    def __init__(self, index):
        self.index = index
        self.starts = [s for s, _, _ in index]

    def at(self, pos: int) -> str | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and self.index[i][0] <= pos < self.index[i][1]:
            return self.index[i][2]
        return None

    def first_in(self, a: int, z: int) -> str | None:
        i = bisect.bisect_left(self.starts, a)
        return self.index[i][2] if i < len(self.index) and self.index[i][0] < z else None


def _subject(verb, start: int = 0):
    """The subject of `verb` (or of the verb it is conjoined to), ignoring tokens before `start`,
    the end of a leading dateline: "FRANKFURT — … Lagarde said" is often parsed with FRANKFURT as
    a subject and the speaker as a second subject or as its apposition."""
    t = verb
    for _ in range(4):
        subs = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
        # the parser may make the dateline the subject and the speaker its apposition
        subs = [c for c in subs if c.idx >= start] or \
            [a for c in subs for a in c.children if a.dep_ == "appos" and a.idx >= start]
        if subs:
            return subs[0]
        if t.dep_ in ("conj", "advcl", "xcomp") and t.head.i != t.i:
            t = t.head
            continue
        return None
    return None


def _is_speech(tok) -> bool:
    if tok.lower_ not in ATTRIBUTION_VERBS or not tok.tag_.startswith("VB"):
        return False
    if tok.dep_ in ("amod", "acl", "relcl", "pcomp", "compound"):
        return False
    if any(c.dep_ == "auxpass" for c in tok.children):
        return False  # "is expected to", "was reported": the subject is not the speaker
    if tok.lower_ in WEAK_ATTRIBUTION_VERBS:  # needs "that …" or "… as …"
        return any(c.dep_ in ("ccomp", "oprd") or (c.dep_ == "prep" and c.lower_ == "as") for c in tok.children)
    return True


class _Resolver:
    """Who a subject token stands for: a named person, or a pronoun's referent in this paragraph."""

    def __init__(self, people: _People, offset: int, genders: dict[str, str], speaker: str | None):
        self.people, self.offset, self.genders, self.speaker = people, offset, genders, speaker
        self.salient: str | None = None

    def person(self, tok) -> tuple[bool, str | None]:
        """(is a person-like subject, person key) for a subject token."""
        if tok is None:
            return False, None
        low = tok.lower_
        if low in _PRONOUNS:
            key = self.salient
            # null is better than wrong: a referent of known, different gender is no referent
            if key is not None and self.genders.get(key, _PRONOUNS[low]) != _PRONOUNS[low]:
                return True, None
            return True, key
        if low in _SPEAKER_PRONOUNS:
            return True, self.speaker
        for t in [tok, *[c for c in tok.children if c.dep_ in ("appos", "compound")]]:
            key = self.people.at(self.offset + t.idx)
            if key:
                return True, key
        return False, None


def _speech_verb(tokens):
    """The speech verb of a clause: the one closest to the sentence root."""
    best, best_depth = None, 99
    for t in tokens:
        if not _is_speech(t):
            continue
        depth, h = 0, t
        while h.head.i != h.i and depth < 10:
            h, depth = h.head, depth + 1
        if depth <= 2 and depth < best_depth:
            best, best_depth = t, depth
    return best


def genders(text: str, mention_index) -> dict[str, str]:
    """Person key -> "m"/"f" where an honorific before a mention says so ("Mr. Trump")."""
    out: dict[str, str] = {}
    for s, _, key in mention_index:
        before = re.findall(r"(\w+)\.?\s*$", text[max(0, s - 14):s])
        g = _HONORIFIC_GENDER.get(before[-1].lower()) if before else None
        if g and out.setdefault(key, g) != g:
            out[key] = "?"  # contradictory evidence: unknown
    return {k: g for k, g in out.items() if g != "?"}


def is_question(sentence: str) -> bool:
    """A question is never a claim (and never its addressee's)."""
    return sentence.rstrip(" \"'”’)]").endswith("?")


def is_hand_off(span, people: _People, offset: int) -> bool:
    """Talk addressed to a person present: "Mr. Trump, two minutes." / "Go ahead, Senator."

    A person named at either end of a short sentence and set off by a comma (a vocative), in a
    sentence without digits or a reporting verb ("two minutes" is allowed, "22 million" is not).
    """
    toks = [t for t in span if not t.is_punct or t.text == ","]
    if len(toks) < 2 or len(toks) > _HAND_OFF_MAX_TOKENS or any(c.isdigit() for c in span.text) \
            or _speech_verb(span) is not None:
        return False
    first_comma = next((i for i, t in enumerate(toks) if t.text == ","), None)
    last_comma = max((i for i, t in enumerate(toks) if t.text == ","), default=None)
    if first_comma is not None and 0 < first_comma <= 4 and first_comma + 1 < len(toks) \
            and toks[first_comma + 1].lower_ not in ("who", "whose", "whom"):
        if any(people.at(offset + t.idx) for t in toks[:first_comma]) or toks[0].lower_ in ("senator", "governor", "president", "mr", "mrs", "ms"):
            return True
    if last_comma is not None and len(toks) - last_comma <= 4:
        tail = toks[last_comma + 1:]
        if any(people.at(offset + t.idx) for t in tail) or (tail and tail[0].lower_ in ("senator", "governor", "president", "sir", "madam")):
            return True
    return False


def _split_clauses(span):
    """Cut 'A, as B did C' into 'A' and 'as B did C' when B/C form a clause of their own."""
    for t in span:
        if t.dep_ != "advcl" or not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
            continue
        mark = next((c for c in t.children if c.dep_ == "mark" and c.lower_ in _SPLIT_MARKS), None)
        if mark is None or mark.i == span.start or mark.i - 1 < span.start:
            continue
        comma = mark.doc[mark.i - 1]
        if comma.text != "," or t.head.i > mark.i:
            continue
        return [(span.start_char, comma.idx), (mark.idx, span.end_char)]
    return [(span.start_char, span.end_char)]


def reported_statement(verb, pa: int, pz: int) -> tuple[int, int] | None:
    """(start, end) in the doc of the statement a speech verb reports, inside [pa, pz).

    The verb's clausal complement without "that", cut before a comment appended after a comma
    ("…, a figure the agency disputes"); None when the verb has no clausal complement.
    """
    comp = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and pa <= c.idx < pz), None)
    if comp is None:
        return None
    doc = verb.doc
    start, end = comp.left_edge.i, comp.right_edge.i
    while start <= end and (doc[start].dep_ == "mark" and doc[start].lower_ in ("that", "whether") or doc[start].is_punct):
        start += 1
    for t in doc[comp.i + 1:end + 1]:
        lead = t.left_edge.i
        comment = t.dep_ in _TRAILING_COMMENT or (t.dep_ == "relcl" and doc[lead].lower_ == "which")
        if comment and lead > comp.i and lead - 1 >= start and doc[lead - 1].text == "," and t.right_edge.i >= end:
            end = lead - 2
            break
    while end >= start and (doc[end].is_punct or doc[end].text in ("''", '"', "”")):
        end -= 1
    if end < start:
        return None
    a, z = doc[start].idx, doc[end].idx + len(doc[end].text)
    a, z = max(a, pa), min(z, pz)
    if z - a < 2 or _words(doc.text[a:z]) < 3:
        return None
    return a, z


def extract_claims(parsed, text: str, mention_index,
                   turns: dict[int, tuple[int, str | None]] | None = None) -> list[ExtractedClaim]:
    """Candidate claims in `parsed` [(doc, char offset, block)] (body and embed lines, in order),
    unscored and possibly overlapping: score them, then keep them with select_claims().

    `turns` maps a transcript unit's offset to (turn number, speaker person key or None);
    without it every line is its own paragraph and has no speaker.
    """
    people = _People(mention_index)
    gender = genders(text, mention_index)
    turns = turns or {}
    claims: list[ExtractedClaim] = []
    prev_turn = None
    salient = None
    for doc, offset, block in parsed:
        s = doc.text
        turn, speaker = turns.get(offset, (id(block), None))
        res = _Resolver(people, offset, gender, speaker)
        # pronouns resolve within a paragraph or speaker turn only (a long line cut into chunks
        # is still one paragraph)
        res.salient = salient if turn == prev_turn else None
        prev_turn = turn
        quotes = [(o, c) for o, c in find_quotes(s) if _standalone(s, o, c)]
        quote_ranges = [(o, min(c + 1, len(s))) for o, c in quotes]
        pending = list(quotes)  # quotes whose speaker is still to be found

        for sent in doc.sents:
            a, z = sent.start_char, sent.end_char
            # 1. statements outside stand-alone quotes
            pieces, cur, had_quote = [], a, False
            for qo, qz in quote_ranges:
                if qz <= a or qo >= z:
                    # a quotation that ends right before (or starts right after) this sentence
                    if 0 <= a - qz <= 2 or 0 <= qo - z <= 2:
                        had_quote = True
                    continue
                had_quote = True
                if qo > cur:
                    pieces.append((cur, qo))
                cur = max(cur, qz)
            if cur < z:
                pieces.append((cur, z))
            if block.kind == "body" and not is_question(s[a:z]):
                for pa, pz in pieces:
                    dateline_end = 0
                    if pa == 0:
                        m = _DATELINE.match(s)
                        if m and m.end() < pz:
                            pa = dateline_end = m.end()
                    pa, pz = _trim(s, pa, pz)
                    claims.extend(_statement(doc, pa, pz, offset, res, had_quote, dateline_end))
            # 2. quotes that close in this sentence
            for q in [q for q in pending if a <= q[1] < z or (q[1] >= len(s) and z >= len(s))]:
                pending.remove(q)
                claims.extend(_quote(doc, q, quotes, offset, res))
            # 3. the subject of the sentence becomes the referent of a later "he"/"she"
            is_person, key = res.person(_subject(sent.root))
            if key and sent.root.lower_ not in _SPEAKER_PRONOUNS:
                res.salient = key
        for q in pending:
            claims.extend(_quote(doc, q, quotes, offset, res))
        salient = res.salient
    return claims


def select_claims(candidates: list[ExtractedClaim], threshold: float) -> list[ExtractedClaim]:
    """The scored candidates at or above `threshold`, in text order, never overlapping (of two
    overlapping ones the earlier wins, then the higher-scored)."""
    kept = sorted((c for c in candidates if c.checkworthiness >= threshold), key=lambda c: (c.start, -c.checkworthiness))
    out, last_end = [], -1
    for c in kept:
        if c.start >= last_end:
            out.append(c)
            last_end = c.end
    return out


def _claim(doc, offset, a, z, kind, claimant, text_span=None) -> ExtractedClaim:
    ta, tz = text_span or (a, z)
    return ExtractedClaim(offset + a, offset + z, doc.text[a:z], kind, claimant, 0.0, doc.text[ta:tz])


def _statement(doc, pa: int, pz: int, offset: int, res: _Resolver, had_quote: bool, dateline_end: int = 0):
    if pz - pa < 2 or _words(doc.text[pa:pz]) < _MIN_WORDS:
        return []
    span = doc.char_span(pa, pz, alignment_mode="expand")
    if span is None or is_hand_off(span, res.people, offset):
        return []
    verb = _speech_verb(span)
    if verb is not None:
        has_complement = any(c.dep_ in ("ccomp", "xcomp", "parataxis") and pa <= c.idx < pz for c in verb.children) or \
            any(c.dep_ in ("dobj", "prep") and pa <= c.idx < pz for c in verb.children) and verb.lower_ not in ("said", "say", "says", "told", "tell", "tells")
        clause = any(t.dep_ == "mark" and t.lower_ == "that" for t in span)
        if had_quote and (_words(doc.text[pa:pz]) <= _FRAME_MAX_WORDS or not (has_complement or clause)):
            return []  # a frame like "Trump told reporters." belongs to its quotation
        is_person, key = res.person(_subject(verb, dateline_end))
        if verb.dep_ in ("ROOT", "conj", "advcl", "ccomp") or key:
            # attributed to a non-person ("the report said") or an unresolved pronoun: no claimant,
            # not even a transcript's speaker
            return [_claim(doc, offset, pa, pz, "attributed", key, reported_statement(verb, pa, pz))]
    out = []
    for ca, cz in _split_clauses(span):
        ca, cz = _trim(doc.text, ca, cz)
        if _words(doc.text[ca:cz]) < _MIN_WORDS:
            continue
        out.append(_claim(doc, offset, ca, cz, "reported", res.speaker))
    return out


def _quote(doc, q, quotes, offset: int, res: _Resolver):
    s = doc.text
    o, c = q
    a, z = _inner(s, o, c)
    if _words(s[a:z]) < _MIN_WORDS or is_question(s[a:z]):
        return []
    key = _quote_speaker(doc, q, quotes, offset, res)
    if key:
        res.salient = key
    return [_claim(doc, offset, a, z, "direct_quote", key)]


def _quote_speaker(doc, q, quotes, offset: int, res: _Resolver) -> str | None:
    s = doc.text
    o, c = q
    i = quotes.index(q)
    nxt = quotes[i + 1][0] if i + 1 < len(quotes) else len(s)
    after_a = min(c + 1, len(s))
    after = s[after_a:nxt]
    stripped = after.lstrip(" ,.")
    if stripped[:1] in ("–", "—", "-"):  # “…” – President Donald J. Trump
        lead = after_a + (len(after) - len(stripped))
        key = res.people.first_in(offset + lead, offset + lead + 80)
        if key:
            return key
    # the frame after the quote, up to the end of its sentence
    end = after_a
    m = re.search(r"[.!?](?=\s|$)", after)
    end = after_a + (m.end() if m else len(after))
    span = doc.char_span(after_a, end, alignment_mode="contract") if end > after_a else None
    for toks in ([span] if span is not None else []):
        verb = _speech_verb(toks) or next((t for t in toks if _is_speech(t)), None)
        if verb is not None:
            is_person, key = res.person(_subject(verb))
            if is_person:
                return key
    # the frame before it, within the paragraph
    prev = quotes[i - 1][1] + 1 if i > 0 else 0
    span = doc.char_span(prev, o, alignment_mode="contract") if o > prev else None
    if span is not None:
        verbs = [t for t in span if _is_speech(t)]
        if verbs:
            is_person, key = res.person(_subject(verbs[-1]))
            if is_person:
                return key
    return res.salient
