"""People: named-person mentions, resolved to one person per individual.

Steps (all within one document):
1. candidates  PERSON entities, cut at line breaks, titles ("Russian President") and the
               possessive stripped; phrases ending in an organisation/place/time word rejected
               ("Trump Administration", "Alaska Time"); headline misfires trimmed to the name
               they start with ("Trump Participates" -> "Trump").
2. clusters    multi-word names group by surname + first name (initials ignored, spelling
               variants collapsed: Zelenskyy / Zelensky / Zelenskiy); a bare surname joins the
               cluster with that surname (the nearest one before it when several share it).
3. propagation every other capitalised occurrence of a known surname becomes a mention too,
               which recovers names the model labelled ORG or GPE ("Trump", "Zelenskyy").
4. known       clusters are matched to already stored people by alias, case/accent-insensitive.
A one-word name that never joins a full name is kept only with a title before it or a stored
person behind it: a bare first name ("Hunter") never makes a person, and misfires like a city
labelled PERSON are dropped. A stored person's surname alone is taken as that person only when
no other stored person has it and no different first name stands before it ("Jeb Bush" is not
a mention of a stored George W. Bush).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .lexicon import ATTRIBUTION_VERBS, NON_PERSON_HEADS, ORG_DESCRIPTORS, ROLE_NOUNS, TITLE_CONNECTORS, TITLE_WORDS
from .textnorm import fold, name_words, variant_key
from .types import ExtractedPerson, Mention

_PARTICLES = frozenset("de del della der di da dos du la le van von bin ibn al el st".split())
_PLACE_LABELS = ("GPE", "LOC", "FAC", "NORP")
_PRONOUN_TITLES = frozenset("mr mrs ms dr sen gov rep president chancellor judge justice".split())


@dataclass
class _Cand:
    start: int
    end: int
    words: list[str]  # name words (initials dropped)
    titled: bool  # a title word stood before it
    from_ner: bool = True
    speaks: bool = False  # subject of a speech verb ("Trump said")

    @property
    def surname(self) -> str:
        return variant_key(self.words[-1])

    @property
    def first(self) -> str:
        return variant_key(self.words[0])


@dataclass
class _Cluster:
    cands: list[_Cand] = field(default_factory=list)
    # a stored person no candidate matched: found only by propagating its surname keys
    known_keys: frozenset[str] = frozenset()
    known_first: str | None = None

    @property
    def full(self) -> list[_Cand]:
        return [c for c in self.cands if len(c.words) > 1]

    @property
    def surname(self) -> str:
        return (self.full or self.cands)[0].surname

    @property
    def surnames(self) -> set[str]:
        return set(self.known_keys) if self.known_keys else {self.surname}

    @property
    def first(self) -> str | None:
        return self.full[0].first if self.full else self.known_first


def _is_title(word: str) -> bool:
    return word.lower().rstrip(".") in TITLE_WORDS


def _strip_name(tokens, text: str) -> tuple[int, int, bool] | None:
    """Trim a PERSON span's tokens to the bare name; (start, end, titled) or None."""
    toks = list(tokens)
    # A span that crosses a line break mixes a furniture line with a name: keep the last line.
    for i in range(len(toks) - 1, -1, -1):
        if "\n" in toks[i].text or "\n" in toks[i].whitespace_:
            toks = toks[i + 1:] if "\n" in toks[i].whitespace_ or toks[i].is_space else toks[i:]
            break
    titled = False
    while toks and (_is_title(toks[0].text) or toks[0].lower_ in TITLE_CONNECTORS or toks[0].ent_type_ == "NORP"
                    or not toks[0].text[:1].isalpha()):
        titled = titled or _is_title(toks[0].text)
        toks = toks[1:]
    while toks and (toks[-1].tag_ == "POS" or toks[-1].text in ("'s", "’s", "'", "’") or not toks[-1].text[:1].isalnum()):
        toks = toks[:-1]
    if not toks:
        return None
    if toks[0].i > 0 and _is_title(toks[0].doc[toks[0].i - 1].text):
        titled = True
    for t in toks:
        w = t.text
        if any(ch.isdigit() for ch in w) or "@" in w or "#" in w:
            return None
        if w.lower() in _PARTICLES or w in ("-", "'", "’"):
            continue
        if not w[:1].isupper():
            return None
        if len(w) > 3 and w.isupper():  # ANCHORAGE (dateline), NATO
            return None
    if toks[-1].text.lower().rstrip(".") in NON_PERSON_HEADS:
        return None
    doc = toks[0].doc
    after = toks[-1].idx + len(toks[-1].text)
    if after < len(doc.text) and doc.text[after] in "-–" and not toks[-1].whitespace_:
        return None  # first half of a compound word: "Euro-area", "Trump-era"
    before = doc[toks[0].i - 1] if toks[0].i > 0 else None
    if before is not None and before.lower_ in ORG_DESCRIPTORS:
        return None  # "the shipping company Nordsee Reederei"
    return toks[0].idx, toks[-1].idx + len(toks[-1].text), titled


def _title_candidates(doc, offset: int, taken: set[int]) -> list[_Cand]:
    """Capitalised words right after a title ("President Trump") the model did not label PERSON."""
    out = []
    for t in doc:
        if not (_is_title(t.text) and t.text[:1].isupper() and t.text.lower().rstrip(".") in _PRONOUN_TITLES):
            continue
        j = t.i + 1
        while j < len(doc) and _is_title(doc[j].text) and doc[j].text[:1].isupper():
            j += 1
        k = j
        while k < len(doc) and doc[k].tag_ == "NNP" and doc[k].text[:1].isupper() and not _is_title(doc[k].text) \
                and doc[k].ent_type_ not in _PLACE_LABELS and len(doc[k].text) > 1 and k - j < 3:
            k += 1
        if k > j and (doc[j].idx + offset) not in taken and doc[j].ent_type_ != "PERSON":
            words = name_words(doc[j:k].text)
            if words and doc[k - 1].text.lower() not in NON_PERSON_HEADS:
                out.append(_Cand(offset + doc[j].idx, offset + doc[k - 1].idx + len(doc[k - 1].text), words, True))
    return out


def _speaker_like(ent) -> bool:
    """A non-PERSON entity that is really a person speaking: 'Maja Lindqvist of the Baltic Sea
    Alliance called it …', 'Jane Roe, an economist at …' (the model often labels these ORG)."""
    if not 2 <= len(ent) <= 3 or any(t.tag_ != "NNP" or not t.text[:1].isupper() or t.text.isupper() for t in ent):
        return False
    root = ent.root
    if root.lower_ in NON_PERSON_HEADS:
        return False
    doc = ent.doc
    nxt = doc[ent.end] if ent.end < len(doc) else None
    affiliated = nxt is not None and nxt.lower_ in ("of", "at", "from") and ent.end + 1 < len(doc) and \
        any(t.ent_type_ in ("ORG", "GPE") for t in doc[ent.end + 1: ent.end + 6])
    role = any(c.dep_ == "appos" and c.lower_ in ROLE_NOUNS for c in root.children) or \
        (ent.start > 0 and doc[ent.start - 1].lower_ in ROLE_NOUNS)
    verb = root.head
    speaks = root.dep_ in ("nsubj",) and verb.lower_ in ATTRIBUTION_VERBS
    return speaks and (affiliated or role)


def _candidates(parsed) -> tuple[list[_Cand], Counter, Counter]:
    cands: list[_Cand] = []
    person_votes: Counter = Counter()  # variant key -> times labelled as (part of) a PERSON
    place_votes: Counter = Counter()  # variant key -> times labelled as a place/group
    for doc, offset in parsed:
        taken: set[int] = set()
        for ent in doc.ents:
            if ent.label_ in _PLACE_LABELS and "\n" not in ent.text:
                place_votes[variant_key(ent.text)] += 1
            if ent.label_ != "PERSON" and not (ent.label_ in ("ORG", "PRODUCT", "WORK_OF_ART", "NORP")
                                               and _speaker_like(ent)):
                continue
            stripped = _strip_name(ent, doc.text)
            if stripped is None:
                continue
            s, e, titled = stripped
            words = name_words(doc.text[s:e])
            if not words:
                continue
            for w in words:
                person_votes[variant_key(w)] += 1
            speaks = ent.root.dep_ == "nsubj" and ent.root.head.lower_ in ATTRIBUTION_VERBS
            cands.append(_Cand(offset + s, offset + e, words, titled, speaks=speaks))
            taken.add(offset + s)
        cands.extend(_title_candidates(doc, offset, taken))
    return cands, person_votes, place_votes


def _trim_misfires(cands: list[_Cand], text: str) -> None:
    """'Trump Participates' -> 'Trump' when 'Trump' is a name elsewhere and 'Participates' never is."""
    name_words = Counter(variant_key(w) for c in cands for w in c.words)
    surnames = {c.surname for c in cands if len(c.words) > 1}
    for c in cands:
        if len(c.words) < 2:
            continue
        tail = c.words[-1]
        if c.first in surnames and name_words[variant_key(tail)] <= 1 and c.first not in {
            x.first for x in cands if len(x.words) > 1 and x is not c
        }:
            first = c.words[0]
            c.end = c.start + text[c.start:c.end].index(first) + len(first)
            c.words = [first]


def _cluster(cands: list[_Cand]) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    by_full: dict[tuple[str, str], _Cluster] = {}
    for c in sorted((c for c in cands if len(c.words) > 1), key=lambda c: c.start):
        key = (c.first, c.surname)
        cl = by_full.get(key)
        if cl is None:  # "D. Trump" / "Donald Trump": first initial compatible
            cl = next((v for (f, s), v in by_full.items() if s == c.surname and (f[:1] == c.first[:1])
                       and (len(f) == 1 or len(c.first) == 1)), None)
        if cl is None:
            cl = _Cluster()
            clusters.append(cl)
        by_full[key] = cl
        cl.cands.append(c)
    singles: dict[str, _Cluster] = {}
    for c in sorted((c for c in cands if len(c.words) == 1), key=lambda c: c.start):
        owners = [cl for cl in clusters if cl.full and cl.surname == c.surname]
        if not owners:  # a first name alone ("Karoline") refers to a full name only if unique
            owners = [cl for cl in clusters if cl.full and cl.first == c.surname]
            owners = owners if len(owners) == 1 else []
        if owners:
            _nearest(owners, c.start).cands.append(c)
        else:
            cl = singles.get(c.surname)
            if cl is None:
                cl = singles[c.surname] = _Cluster()
                clusters.append(cl)
            cl.cands.append(c)
    return clusters


def _nearest(owners: list[_Cluster], pos: int) -> _Cluster:
    """The cluster mentioned last before `pos` (or first after it)."""
    def last_before(cl):
        before = [c.start for c in cl.cands if c.start < pos]
        if before:
            return (1, max(before))
        return (0, -min((c.start for c in cl.cands), default=1 << 62))
    return max(owners, key=last_before)


class KnownIndex:
    """Stored people indexed by folded alias, by variant-key name and by surname."""

    def __init__(self, known):
        self.by_alias: dict[str, set[str]] = defaultdict(set)
        self.by_surname: dict[str, set[str]] = defaultdict(set)
        for kp in known or ():
            for form in [kp.name, *kp.aliases]:
                words = name_words(form)
                if not words:
                    continue
                self.by_alias[fold(form)].add(kp.key)
                self.by_alias[" ".join(variant_key(w) for w in words)].add(kp.key)
                if len(words) > 1:
                    self.by_alias[variant_key(words[0]) + " " + variant_key(words[-1])].add(kp.key)
                self.by_surname[variant_key(words[-1])].add(kp.key)

    def match(self, forms: list[str]) -> str | None:
        votes: Counter = Counter()
        for form in forms:
            words = name_words(form)
            keys = [fold(form), " ".join(variant_key(w) for w in words)]
            if len(words) > 1:
                keys.append(variant_key(words[0]) + " " + variant_key(words[-1]))
            for k in keys:
                for key in self.by_alias.get(k, ()):
                    votes[key] += 1
        if votes:
            return votes.most_common(1)[0][0]
        surnames = {variant_key(name_words(f)[-1]) for f in forms if name_words(f)}
        if all(len(name_words(f)) == 1 for f in forms):  # surname only: unique stored match
            hits = set().union(*(self.by_surname.get(s, set()) for s in surnames))
            if len(hits) == 1:
                return next(iter(hits))
        return None


def _propagate(clusters: list[_Cluster], parsed, text: str, person_votes, place_votes) -> None:
    """Add every capitalised occurrence of a cluster's surname not yet covered by a mention."""
    by_surname: dict[str, list[_Cluster]] = defaultdict(list)
    for cl in clusters:
        for key in cl.surnames:
            by_surname[key].append(cl)
    covered = [(c.start, c.end) for cl in clusters for c in cl.cands]
    covered_starts = {s for s, _ in covered}

    def is_covered(s: int, e: int) -> bool:
        return s in covered_starts or any(cs <= s < ce or cs < e <= ce for cs, ce in covered)

    for doc, offset in parsed:
        for t in doc:
            w = t.text
            if not w[:1].isupper() or len(w) < 2 or w.isupper():
                continue
            key = variant_key(w)
            owners = by_surname.get(key)
            if not owners:
                continue
            s, e = offset + t.idx, offset + t.idx + len(w)
            if is_covered(s, e):
                continue
            nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
            if nxt is not None and nxt.text.lower() in NON_PERSON_HEADS:
                continue  # "Trump Administration", "Trump Tower"
            ent = next((x for x in doc.ents if x.start <= t.i < x.end), None)
            if ent is not None and all(cl.known_keys for cl in owners) and ent.label_ not in ("PERSON", "ORG"):
                continue  # a stored person's surname inside a place name
            if ent is not None and ent.label_ != "PERSON" and "\n" not in ent.text:
                if len(ent) > 1 and ent.label_ in ("GPE", "LOC", "FAC", "ORG", "EVENT", "WORK_OF_ART", "LAW"):
                    if not (ent.label_ == "ORG" and len(ent) <= 2 and ent[0].text.lower() in ("the", "president")):
                        continue  # a longer name of a place or body that contains the word
                if ent.label_ in _PLACE_LABELS and place_votes[key] > person_votes[key]:
                    continue
            start = s
            if len(owners) > 1 and all(cl.known_keys for cl in owners):
                continue  # two stored people share the surname: ambiguous, no mention
            cl = _nearest(owners, s)
            first = cl.first
            prev = doc[t.i - 1] if t.i > 0 else None
            if prev is not None and first and cl.known_keys and prev.text[:1].isupper() and prev.is_alpha \
                    and len(prev.text) > 1 and not _is_title(prev.text) and variant_key(prev.text) != first \
                    and prev.i != sent_start(prev):
                continue  # a different first name: another person of that surname
            if prev is not None and first and variant_key(prev.text) == first and prev.text[:1].isupper():
                start = offset + prev.idx  # "Volodymyr Zelenskyy" missed as a whole
            words = name_words(text[start:e])
            cl.cands.append(_Cand(start, e, words, False, from_ner=False))
            covered.append((start, e))
            covered_starts.add(start)


def sent_start(tok) -> int:
    """Index of the first token of `tok`'s sentence (a capital there proves nothing)."""
    return tok.sent.start


def _known_clusters(known_people, clusters, index: KnownIndex, text: str) -> list[_Cluster]:
    """Empty clusters for stored people no extracted name matched, so that their surname (in any
    spelling) is still found where the model missed it ("Zelenskiy" labelled ORG)."""
    matched = {index.match([text[c.start:c.end] for c in cl.cands]) for cl in clusters}
    out = []
    for kp in known_people or ():
        if kp.key in matched:
            continue
        keys = set()
        for form in [kp.name, *kp.aliases]:
            words = name_words(form)
            if words and len(variant_key(words[-1])) > 2:
                keys.add(variant_key(words[-1]))
        words = name_words(kp.name)
        if keys:
            out.append(_Cluster(known_keys=frozenset(keys), known_first=variant_key(words[0]) if len(words) > 1 else None))
    return out


def _keep(cl: _Cluster, known: KnownIndex, person_votes, place_votes) -> bool:
    if cl.full:
        return True
    c0 = cl.cands[0]
    forms = [c0.words[0]]
    if known.match(forms):
        return True
    if place_votes[c0.surname] > person_votes[c0.surname]:
        return False
    # One word that never joins a full name may be a first name ("Hunter"): it names a person
    # only with a title before it ("Mr. Hunter", "Senator Hunter"); speaker labels of
    # transcripts are handled by attach_speakers.
    return any(c.titled for c in cl.cands)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "person"


_SLAVIC = re.compile(r"(sky|skyy|skiy|skyi|skii)$")


def _spelling_variants(surname: str) -> list[str]:
    """Usual transliterations of an East Slavic -sky surname (Zelenskyy / Zelensky / Zelenskiy)."""
    m = _SLAVIC.search(surname)
    if not m:
        return []
    stem = surname[: m.start()]
    return [stem + suf for suf in ("sky", "skyy", "skiy")]


def resolve_people(parsed, text: str, known_people=()) -> tuple[list[ExtractedPerson], list[tuple[int, int, str]]]:
    """People found in `parsed` [(doc, char offset)] and a sorted (start, end, key) mention index."""
    known = KnownIndex(known_people)
    cands, person_votes, place_votes = _candidates(parsed)
    _trim_misfires(cands, text)
    clusters = _cluster(cands)
    clusters = [cl for cl in clusters if _keep(cl, known, person_votes, place_votes)]
    clusters += _known_clusters(known_people, clusters, known, text)
    _propagate(clusters, parsed, text, person_votes, place_votes)
    clusters = [cl for cl in clusters if cl.cands]

    people: list[ExtractedPerson] = []
    index: list[tuple[int, int, str]] = []
    used: set[str] = set()
    for cl in sorted(clusters, key=lambda cl: min(c.start for c in cl.cands)):
        spans = sorted({(c.start, c.end) for c in cl.cands})
        mentions = [Mention(s, e, text[s:e]) for s, e in spans]
        forms = Counter(text[s:e] for s, e in spans)
        full_forms = [f for f in forms if len(name_words(f)) > 1]
        if full_forms:  # most frequent full form, preferring one without middle initials
            name = max(full_forms, key=lambda f: (len(name_words(f)) == len(f.split()), forms[f], -len(f)))
        else:
            name = max(forms, key=lambda f: forms[f])
        surname = name_words(name)[-1]
        aliases = list(dict.fromkeys([*forms, surname, *_spelling_variants(surname)]))
        aliases = [a for a in aliases if a != name]
        key = _slug(name)
        n = 2
        while key in used:
            key, n = f"{_slug(name)}-{n}", n + 1
        used.add(key)
        people.append(ExtractedPerson(key, name, aliases, mentions, known.match([name, *forms])))
        index.extend((s, e, key) for s, e in spans)
    index.sort()
    return people, index


def attach_speakers(people: list[ExtractedPerson], index: list[tuple[int, int, str]], labels, text: str,
                    known_people=()) -> dict[int, str]:
    """Transcript speaker labels as mentions of people; returns {turn number: person key}.

    `labels` is [(transcripts.SpeakerLabel, turn)]. A label joins the extracted person with the
    same surname (and no contradicting first name), else a stored person it names, else becomes
    a new person: a speaker is a person even when named by one word ("TRUMP:"). Role labels
    ("MODERATOR:") name nobody. `people` and the sorted `index` are updated in place.
    """
    from .transcripts import display_name

    known = KnownIndex(known_people)
    by_key = {p.key: p for p in people}
    used = set(by_key)
    found: dict[str, str] = {}  # folded label -> person key
    out: dict[int, str] = {}
    for label, turn in labels:
        if label.name is None:
            continue
        name = display_name(label.name)
        words = name_words(name)
        if not words:
            continue
        folded = fold(name)
        key = found.get(folded)
        if key is None:
            surname, first = variant_key(words[-1]), variant_key(words[0]) if len(words) > 1 else None
            same = [p for p in people if variant_key(name_words(p.name)[-1]) == surname
                    and (first is None or len(name_words(p.name)) == 1 or variant_key(name_words(p.name)[0]) == first)]
            if len(same) == 1:
                key = same[0].key
            else:
                key = _slug(name)
                n = 2
                while key in used:
                    key, n = f"{_slug(name)}-{n}", n + 1
                used.add(key)
                person = ExtractedPerson(key, name, [], [], known.match([name]))
                people.append(person)
                by_key[key] = person
            found[folded] = key
        person = by_key[key]
        exact = text[label.start:label.end]
        person.mentions.append(Mention(label.start, label.end, exact))
        person.mentions.sort(key=lambda m: m.start)
        if exact != person.name and exact not in person.aliases:
            person.aliases.append(exact)
        index.append((label.start, label.end, key))
        out[turn] = key
    index.sort()
    return out
