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
the frame before it, else the last person who was the subject of a sentence (that is also
how "he said" is resolved). Frames themselves ("Trump told reporters.") are not claims.
"""
from __future__ import annotations

import bisect
import re

from .lexicon import ATTRIBUTION_VERBS, WEAK_ATTRIBUTION_VERBS
from .types import ExtractedClaim

_OPEN = {"“": "”", '"': '"', "«": "»", "„": "“"}
_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"  # upper-case letters, Latin-1 and Latin Extended-A included
_DATELINE = re.compile(
    rf"^(?:[{_UP}][{_UP}.'’-]{{2,}}(?:[ ,]+[{_UP}][\w.'’-]*){{0,3}}\s*(?:—|–|--|:)|[{_UP}]\w+(?: [{_UP}]\w+)?:)\s*"
)
_STANDALONE_BEFORE = set(".:;!?…—–-,")
_SPLIT_MARKS = frozenset("as while whereas although though".split())
_PRONOUNS = frozenset("he she him her".split())
_FINITE = frozenset(("VBD", "VBZ", "VBP", "MD"))
_NUMERIC = frozenset(("CARDINAL", "MONEY", "PERCENT", "QUANTITY"))
_SUPERLATIVE_WORDS = frozenset("first last only record never ever biggest largest highest lowest worst best".split())
_OPINION = ("i think", "i believe", "you know", "i'd like", "okay", "i feel", "in my opinion", "i guess", "look,")
_MIN_WORDS = 4
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


def _subject(verb):
    t = verb
    for _ in range(4):
        subs = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
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
    def __init__(self, people: _People, offset: int):
        self.people, self.offset = people, offset
        self.salient: str | None = None

    def person(self, tok) -> tuple[bool, str | None]:
        """(is a person-like subject, person key) for a subject token."""
        if tok is None:
            return False, None
        if tok.lower_ in _PRONOUNS:
            return True, self.salient
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


def checkworthiness(span, kind: str) -> float:
    """A 0..1 score: numbers, dates, superlatives and names raise it; opinion and questions lower it."""
    score = {"reported": 0.45, "attributed": 0.5, "direct_quote": 0.35}[kind]
    labels = {t.ent_type_ for t in span}
    low = span.text.lower()
    if labels & _NUMERIC or any(t.like_num for t in span):
        score += 0.2
    if "ORDINAL" in labels or any(t.tag_ in ("JJS", "RBS") or t.lower_ in _SUPERLATIVE_WORDS for t in span):
        score += 0.15
    if labels & {"DATE", "TIME"}:
        score += 0.1
    score += 0.05 * min(2, len(labels & {"GPE", "ORG", "PERSON", "NORP", "EVENT", "FAC", "LAW"}))
    if any(m in low for m in _OPINION):
        score -= 0.2
    if any(t.lower_ in ("would", "could", "might", "may") for t in span):
        score -= 0.05
    if "?" in span.text:
        score -= 0.3
    return round(min(0.95, max(0.05, score)), 2)


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


def extract_claims(parsed, text: str, mention_index) -> list[ExtractedClaim]:
    """Claims in `parsed` [(doc, char offset, block)] (body and embed lines, in order)."""
    people = _People(mention_index)
    claims: list[ExtractedClaim] = []
    salient = None
    for doc, offset, block in parsed:
        s = doc.text
        res = _Resolver(people, offset)
        res.salient = salient
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
            if block.kind == "body":
                for pa, pz in pieces:
                    if pa == 0:
                        m = _DATELINE.match(s)
                        if m and m.end() < pz:
                            pa = m.end()
                    pa, pz = _trim(s, pa, pz)
                    claims.extend(_statement(doc, pa, pz, offset, res, had_quote))
            # 2. quotes that close in this sentence
            for q in [q for q in pending if a <= q[1] < z or (q[1] >= len(s) and z >= len(s))]:
                pending.remove(q)
                claims.extend(_quote(doc, q, quotes, offset, res))
            # 3. the subject of the sentence becomes the referent of a later "he"/"she"
            root = sent.root
            is_person, key = res.person(_subject(root))
            if key:
                res.salient = key
        for q in pending:
            claims.extend(_quote(doc, q, quotes, offset, res))
        salient = res.salient
    claims.sort(key=lambda c: c.start)
    out, last_end = [], -1
    for c in claims:  # claims never overlap; the first one wins
        if c.start >= last_end:
            out.append(c)
            last_end = c.end
    return out


def _statement(doc, pa: int, pz: int, offset: int, res: _Resolver, had_quote: bool):
    if pz - pa < 2 or _words(doc.text[pa:pz]) < _MIN_WORDS:
        return []
    span = doc.char_span(pa, pz, alignment_mode="expand")
    if span is None or not any(t.tag_ in _FINITE or (t.tag_ == "VB" and any(c.dep_ == "aux" for c in t.children)) for t in span):
        return []
    verb = _speech_verb(span)
    if verb is not None:
        has_complement = any(c.dep_ in ("ccomp", "xcomp", "parataxis") and pa <= c.idx < pz for c in verb.children) or \
            any(c.dep_ in ("dobj", "prep") and pa <= c.idx < pz for c in verb.children) and verb.lower_ not in ("said", "say", "says", "told", "tell", "tells")
        clause = any(t.dep_ == "mark" and t.lower_ == "that" for t in span)
        if had_quote and (_words(doc.text[pa:pz]) <= _FRAME_MAX_WORDS or not (has_complement or clause)):
            return []  # a frame like "Trump told reporters." belongs to its quotation
        is_person, key = res.person(_subject(verb))
        if verb.dep_ in ("ROOT", "conj", "advcl", "ccomp") or key:
            kind = "attributed"
            return [ExtractedClaim(offset + pa, offset + pz, doc.text[pa:pz], kind, key, checkworthiness(span, kind))]
    out = []
    for ca, cz in _split_clauses(span):
        ca, cz = _trim(doc.text, ca, cz)
        if _words(doc.text[ca:cz]) < _MIN_WORDS:
            continue
        sub = doc.char_span(ca, cz, alignment_mode="expand")
        out.append(ExtractedClaim(offset + ca, offset + cz, doc.text[ca:cz], "reported", None, checkworthiness(sub, "reported")))
    return out


def _quote(doc, q, quotes, offset: int, res: _Resolver):
    s = doc.text
    o, c = q
    a, z = _inner(s, o, c)
    if _words(s[a:z]) < _MIN_WORDS:
        return []
    key = _quote_speaker(doc, q, quotes, offset, res)
    if key:
        res.salient = key
    span = doc.char_span(a, z, alignment_mode="expand")
    return [ExtractedClaim(offset + a, offset + z, s[a:z], "direct_quote", key, checkworthiness(span, "direct_quote"))]


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
            _, key = res.person(_subject(verb))
            if key:
                return key
    # the frame before it, within the paragraph
    prev = quotes[i - 1][1] + 1 if i > 0 else 0
    span = doc.char_span(prev, o, alignment_mode="contract") if o > prev else None
    if span is not None:
        verbs = [t for t in span if _is_speech(t)]
        if verbs:
            _, key = res.person(_subject(verbs[-1]))
            if key:
                return key
    return res.salient
