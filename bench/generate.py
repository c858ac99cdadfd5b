"""Generate a realistic claimtrack dataset in bulk, straight through the models.

    python bench/generate.py --claims 10000 --database-url sqlite:///bench/data/sqlite-10000.db

Shape, per 20 claims: one source of ~4 KB of text (sentences in which people make claims,
filler sentences, and reprints of claims from the previous source), so that every
appearance's offsets really frame its quote (text[start:end] == exact) and its prefix/suffix
are the real context. People (names, aliases with accents, name tokens), events with
participants, mentions of people in the text, 0-3 tags per claim, 20% of claims linked to an
event, ~30% with a verdict (some with two), evidence (URL + quote, or a span of a stored
source), and each claim's status / latest_verdict_id set from its newest verdict.

Rows get explicit integer ids and go in with Model.insert_many in batches, one transaction per
block of sources. On SQLite the generation connection (only) runs with synchronous=OFF; the
FTS5 triggers index claims, people and sources as rows are inserted. On PostgreSQL the
sequences are moved past the explicit ids afterwards and the tables are VACUUM ANALYZEd
(what autovacuum would soon do). A manifest (JSON) next to the data records the counts, an
admin API key and sample ids for the load scenarios.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

from api.db import bind, is_postgres, migrate, open_database  # noqa: E402
from api.domain.ids import encode_id  # noqa: E402
from api.domain.spans import context  # noqa: E402
from api.domain.text import name_tokens, text_sha256, utf16_length  # noqa: E402
from api.domain.verdicts import status_after  # noqa: E402
from api.models import (  # noqa: E402
    Appearance, Claim, ClaimEvent, ClaimTag, Event, EventParticipant, Evidence, Mention, Person, PersonNameToken,
    Source, Verdict,
)

CLAIMS_PER_SOURCE = 20
SOURCES_PER_BLOCK = 500          # one transaction per block (~10,000 claims)
SAMPLE_SIZE = 2000               # ids of each kind kept in the manifest for the load scenarios
START = dt.datetime(2023, 1, 1)
SPAN = dt.timedelta(days=730)    # claims are spread over two years, ids ascending with time

# ----------------------------------------------------------------------------- vocabulary

FIRST = ["Maria", "José", "Anna", "Li", "Ahmed", "Olga", "John", "Fatima", "Pierre", "Sofia", "Kwame", "Yuki",
         "Carlos", "Ingrid", "Ravi", "Chloé", "Mateo", "Aisha", "Lars", "Noémie", "Dmitri", "Grace", "Tomás",
         "Hana", "Omar", "Elena", "Björn", "Priya", "Lucas", "Zoë", "Jamal", "Marta", "Kenji", "Amara", "Felix",
         "Leila", "Patrick", "Renée", "Sergei", "Nadia", "William", "Inés", "Hiroshi", "Chiara", "David", "Ewa",
         "Malik", "Sara", "Viktor", "Lucía", "Thomas", "Amélie", "Arjun", "Helga", "Samuel", "Mei", "Jonas",
         "Rosa", "Emeka", "Claire", "Andrés", "Katarzyna", "Michael", "Siobhán", "Paulo", "Agnès", "Ibrahim",
         "Julia", "Stefan", "Ana", "Robert", "Magdalena", "Ahmad", "Lena", "Francesco", "Dolores", "George",
         "Mariam", "Henrik", "Beatriz"]
LAST = ["López", "Müller", "Smith", "Nakamura", "Okafor", "Dubois", "Ivanova", "Khan", "García", "Rossi",
        "Kowalski", "Andersson", "Chen", "Haddad", "Silva", "Novák", "Johnson", "Mensah", "Fernández", "Schmidt",
        "O'Brien", "Popescu", "Yilmaz", "Petrov", "Moreau", "Jensen", "Costa", "Wagner", "Santos", "Nguyen",
        "Kim", "Martínez", "Horváth", "Bianchi", "Lefèvre", "Said", "Almeida", "Papadopoulos", "Tanaka",
        "Williams", "Hoffmann", "Sánchez", "Brown", "Kovačević", "Lindqvist", "Adeyemi", "Ramírez", "Walsh",
        "Nowak", "Fischer", "Gómez", "Taylor", "Ferreira", "Larsen", "Mazur", "Eriksen", "Bauer", "Morales",
        "Davies", "Jovanović", "Romero", "Wright", "Sørensen", "Castro", "Evans", "Weber", "Ortiz", "Zhang",
        "Herrera", "Becker", "Dimitrov", "Moreno", "Clarke", "Aydın", "Vargas", "Schulz", "Baptiste", "Ali"]
ROLES = ["the finance minister", "the opposition leader", "a senator", "the mayor", "the health minister",
         "a union leader", "the central bank governor", "a campaign spokesperson", "the governor",
         "a member of parliament", "the prime minister", "the interior minister", "a party chair"]
PLACES = ["the capital", "the northern region", "rural areas", "the coastal provinces", "the city",
          "the eastern districts", "the country", "the south", "the border towns", "the metropolitan area",
          "the western states", "the islands", "the industrial belt", "the river valley", "the suburbs"]
METRICS = ["unemployment", "inflation", "violent crime", "child poverty", "the murder rate", "housing prices",
           "public debt", "emergency room waiting times", "school enrolment", "youth unemployment",
           "electricity prices", "carbon emissions", "the number of nurses", "average rents", "fuel prices",
           "hospital admissions", "net migration", "the trade deficit", "food prices", "traffic deaths"]
MOVES = ["rose", "fell", "increased", "decreased", "doubled", "dropped", "climbed", "went up", "went down"]
WHEN = ["last year", "since 2019", "in the past decade", "over the last five years", "in the first quarter",
        "since the previous government took office", "this year", "in the last twelve months", "since 2015"]
TOPICS = ["healthcare", "education", "defence", "public transport", "renewable energy", "pensions",
          "police", "housing", "foreign aid", "agriculture", "roads", "broadband", "childcare", "prisons",
          "research", "water infrastructure", "border security", "tax relief", "the arts", "disaster relief"]
THINGS = ["hospitals", "teachers", "wind farms", "police officers", "public libraries", "bike lanes",
          "universities", "start-ups", "solar panels", "doctors per head", "homeless shelters", "factories"]
ORGS = ["the party", "the foundation", "the ministry", "the campaign", "the state broadcaster", "the council",
        "the trade union", "the national lottery", "the development agency", "the pension fund"]
FUNDERS = ["foreign donors", "a mining company", "the European Union", "private equity firms",
           "anonymous donors", "the tobacco industry", "a sovereign wealth fund", "tech companies"]
OUTLETS = ["The Daily Ledger", "Northern Post", "Radio Capital", "The Evening Herald", "Civic Wire",
           "Channel Seven News", "The Observer-Gazette", "Metro Times", "Coastal Chronicle", "Public Radio One"]
KINDS = ["article", "transcript", "post", "article", "article", "transcript"]
EVENT_KINDS = ["debate", "summit", "press conference", "hearing", "rally", "interview", "election"]
TAGS = ["economy", "health", "crime", "immigration", "climate", "education", "budget", "elections", "energy",
        "housing", "employment", "taxes", "defence", "transport", "pensions", "inflation", "poverty",
        "agriculture", "trade", "corruption", "foreign policy", "justice", "media", "technology", "water",
        "covid-19", "vaccines", "public spending", "welfare", "environment", "infrastructure", "security",
        "children", "science", "sport", "culture", "religion", "migration", "statistics", "viral"]
RATINGS = ["corroborated"] * 35 + ["contradicted"] * 30 + ["partly_corroborated"] * 15 + ["unverifiable"] * 20

CLAIM_TEMPLATES = [
    "{metric} in {place} {move} by {pct} percent {when}",
    "the government spent {money} on {topic} {when}",
    "{place} now has more {things} than at any time in the last {years} years",
    "{n} out of every {m} households in {place} cannot afford {topic}",
    "{org} received {money} from {funder} {when}",
    "{metric} {move} to {pct} percent {when}, the lowest level since {year}",
    "spending on {topic} was cut by {money} while {metric} {move} by {pct} percent",
    "the country has {pct} percent fewer {things} than it had in {year}",
    "{org} has not paid any tax on {money} of income {when}",
    "{n} million people moved to {place} {when}",
]
FILLER_TEMPLATES = [
    "Officials in {place} declined to comment on the figures when contacted on {weekday}.",
    "The statement came during a {kind} held in {place} on {weekday} afternoon.",
    "Critics said the numbers did not take into account the changes to {topic} made in {year}.",
    "According to the national statistics office, the latest data on {metric} will be published in {month}.",
    "The remarks were widely shared on social media, with more than {n},000 reposts by the evening.",
    "Analysts at {outlet} pointed out that the methodology for measuring {metric} changed in {year}.",
    "A spokesperson for {org} said the figures would be reviewed “as a matter of urgency”.",
    "The debate over {topic} has dominated the campaign in {place} for months.",
    "Independent researchers have questioned how {metric} is calculated — and whether the baseline is fair.",
    "Budget documents show that funding for {topic} was {move2} in the {year} spending review.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _fill(rng: random.Random, template: str) -> str:
    return template.format(
        metric=rng.choice(METRICS), place=rng.choice(PLACES), move=rng.choice(MOVES), pct=rng.randint(2, 95),
        when=rng.choice(WHEN), money=f"{rng.randint(2, 950)} {rng.choice(['million', 'billion'])} dollars",
        topic=rng.choice(TOPICS), things=rng.choice(THINGS), years=rng.randint(5, 60), n=rng.randint(1, 9),
        m=rng.randint(10, 20), org=rng.choice(ORGS), funder=rng.choice(FUNDERS), year=rng.randint(1990, 2022),
        weekday=rng.choice(WEEKDAYS), kind=rng.choice(EVENT_KINDS), outlet=rng.choice(OUTLETS),
        month=rng.choice(MONTHS), move2=rng.choice(["cut", "frozen", "raised", "halved", "doubled"]),
    )


def _ms(value: dt.datetime) -> dt.datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _claim_time(i: int, n: int) -> dt.datetime:
    return _ms(START + SPAN * (i / max(n, 1)))


class Reservoir:
    """A uniform sample of k items from a stream (ids spread over the whole dataset)."""

    def __init__(self, k: int, seed: int):
        self.k, self.seen, self.items = k, 0, []
        self.rng = random.Random(seed)

    def add(self, item) -> None:
        self.seen += 1
        if len(self.items) < self.k:
            self.items.append(item)
        else:
            j = self.rng.randrange(self.seen)
            if j < self.k:
                self.items[j] = item


class Counter:
    def __init__(self):
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


# ----------------------------------------------------------------------------- writing

def _insert(model, fields, rows, db) -> None:
    """insert_many in batches small enough for SQLite's 32,766 bound parameters."""
    if not rows:
        return
    per_batch = max(1, min(2000, 30000 // len(fields)))
    for i in range(0, len(rows), per_batch):
        model.insert_many(rows[i:i + per_batch], fields=fields).execute()


F = {
    "source": [Source.id, Source.created_at, Source.updated_at, Source.version, Source.kind, Source.title,
               Source.url, Source.publisher, Source.author, Source.published_at, Source.language, Source.text,
               Source.text_sha256, Source.length, Source.length_utf16],
    "person": [Person.id, Person.created_at, Person.updated_at, Person.version, Person.name, Person.aliases,
               Person.description, Person.wikidata_id, Person.origin],
    "token": [PersonNameToken.id, PersonNameToken.person, PersonNameToken.token],
    "event": [Event.id, Event.created_at, Event.updated_at, Event.version, Event.name, Event.kind,
              Event.description, Event.starts_at, Event.ends_at, Event.location, Event.origin],
    "participant": [EventParticipant.id, EventParticipant.event, EventParticipant.person],
    "mention": [Mention.id, Mention.source, Mention.person, Mention.event, Mention.origin, Mention.start,
                Mention.end, Mention.exact, Mention.prefix, Mention.suffix],
    "claim": [Claim.id, Claim.created_at, Claim.updated_at, Claim.version, Claim.text, Claim.claimant,
              Claim.status, Claim.origin, Claim.checkworthiness, Claim.latest_verdict_id],
    "appearance": [Appearance.id, Appearance.claim, Appearance.source, Appearance.start, Appearance.end,
                   Appearance.exact, Appearance.prefix, Appearance.suffix],
    "tag": [ClaimTag.id, ClaimTag.claim, ClaimTag.tag],
    "claim_event": [ClaimEvent.id, ClaimEvent.claim, ClaimEvent.event],
    "verdict": [Verdict.id, Verdict.claim, Verdict.rating, Verdict.rationale, Verdict.reviewer,
                Verdict.reviewer_name, Verdict.created_at],
    "evidence": [Evidence.id, Evidence.verdict, Evidence.stance, Evidence.source, Evidence.start, Evidence.end,
                 Evidence.exact, Evidence.prefix, Evidence.suffix, Evidence.url, Evidence.quote],
}
MODELS = {"source": Source, "person": Person, "token": PersonNameToken, "event": Event,
          "participant": EventParticipant, "mention": Mention, "claim": Claim, "appearance": Appearance,
          "tag": ClaimTag, "claim_event": ClaimEvent, "verdict": Verdict, "evidence": Evidence}
ORDER = ["source", "mention", "claim", "appearance", "tag", "claim_event", "verdict", "evidence"]


# ----------------------------------------------------------------------------- the dataset

class Generator:
    def __init__(self, claims: int, seed: int, reviewer_id: int, reviewer_name: str):
        self.n_claims = claims
        self.n_sources = max(1, math.ceil(claims / CLAIMS_PER_SOURCE))
        self.n_people = max(20, claims // 50)
        self.n_events = max(5, claims // 500)
        self.rng = random.Random(seed)
        self.reviewer_id = reviewer_id
        self.reviewer_name = reviewer_name
        self.ids = {name: Counter() for name in MODELS}
        self.counts = {name: 0 for name in MODELS}
        self.people: list[str] = []
        self.events: list[str] = []
        # manifest samples
        self.sample_claims = Reservoir(SAMPLE_SIZE, seed)
        self.unverifiable_claims = Reservoir(SAMPLE_SIZE, seed + 1)
        self.claimant_counts: dict[int, int] = {}
        self.sample_sources = Reservoir(SAMPLE_SIZE, seed + 2)
        self.status_counts: dict[str, int] = {}

    # people and events -----------------------------------------------------------------

    def people_rows(self):
        rng = self.rng
        combos = [(f, l) for f in FIRST for l in LAST]
        rng.shuffle(combos)
        people, tokens = [], []
        for i in range(self.n_people):
            first, last = combos[i % len(combos)]
            name = f"{first} {last}" if i < len(combos) else f"{first} {last} {i // len(combos) + 1}"
            aliases = [f"{first[0]}. {last}", last.upper() if rng.random() < 0.1 else last]
            if rng.random() < 0.3:
                aliases.append(f"{first} {rng.choice(LAST)}-{last}")
            pid = self.ids["person"].next()
            created = _ms(START - dt.timedelta(days=30) + dt.timedelta(seconds=i))
            people.append((pid, created, created, 1, name, "\n".join(aliases),
                           f"{rng.choice(ROLES).capitalize()}.", f"Q{rng.randint(1000, 99999999)}" if rng.random() < 0.4 else None,
                           "manual" if rng.random() < 0.8 else "extracted"))
            for token in sorted(name_tokens(name, *aliases)):
                tokens.append((self.ids["token"].next(), pid, token))
            self.people.append(name)
        return people, tokens

    def event_rows(self):
        rng = self.rng
        events, participants = [], []
        for i in range(self.n_events):
            eid = self.ids["event"].next()
            kind = rng.choice(EVENT_KINDS)
            when = START + SPAN * (i / self.n_events)
            name = f"{when.year} {rng.choice(TOPICS)} {kind} in {rng.choice(PLACES).removeprefix('the ')}"
            created = _ms(START - dt.timedelta(days=20) + dt.timedelta(seconds=i))
            events.append((eid, created, created, 1, name, kind, f"A {kind} on {rng.choice(TOPICS)}.",
                           when.date().isoformat(), None, rng.choice(PLACES), "manual"))
            for person in rng.sample(range(1, self.n_people + 1), min(self.n_people, rng.randint(2, 4))):
                participants.append((self.ids["participant"].next(), eid, person))
            self.events.append(name)
        return events, participants

    def claimant(self) -> int | None:
        # Skewed like real life: a few public figures make most of the claims.
        if self.rng.random() < 0.3:
            return None
        return 1 + int(self.n_people * self.rng.random() ** 3)

    # a block of sources with their claims ------------------------------------------------

    def block(self, first_source: int, last_source: int, carry: dict) -> dict[str, list]:
        """Rows for sources [first_source, last_source) and their claims. `carry` holds the
        previous source's claim quotes (reprinted in the next source) and filler spans."""
        rng = self.rng
        rows = {name: [] for name in ORDER}
        for s in range(first_source, last_source):
            source_id = self.ids["source"].next()
            assert source_id == s + 1
            first_claim = s * CLAIMS_PER_SOURCE
            claim_ids = range(first_claim + 1, min(self.n_claims, first_claim + CLAIMS_PER_SOURCE) + 1)
            created = _claim_time(first_claim, self.n_claims) - dt.timedelta(hours=rng.randint(1, 48))
            outlet = rng.choice(OUTLETS)
            kind = rng.choice(KINDS)

            # The text, piece by piece, remembering where each span lands.
            pieces: list[str] = []
            length = 0
            spans = []  # (kind, payload, start, end)

            def add(piece: str, kind_=None, payload=None):
                nonlocal length
                start = length
                pieces.append(piece)
                length += len(piece)
                if kind_ is not None:
                    spans.append((kind_, payload, start, length))
                return start

            title = f"{_fill(rng, rng.choice(CLAIM_TEMPLATES)).capitalize()}? ({outlet}, no. {source_id})"
            add(title + "\n\n")
            claim_sentences = []
            for cid in claim_ids:
                claimant = self.claimant()
                clause = _fill(rng, rng.choice(CLAIM_TEMPLATES))
                claim_sentences.append((cid, claimant, clause))
            reprints = list(carry.get("reprints", []))
            order = [("claim", c) for c in claim_sentences] + [("filler", None)] * rng.randint(8, 12) \
                + [("reprint", r) for r in reprints]
            rng.shuffle(order)
            if rng.random() < 0.01:
                order.insert(len(order) // 2, ("emoji", None))
            filler_spans = []
            in_paragraph = 0
            for what, payload in order:
                if what == "claim":
                    cid, claimant, clause = payload
                    if claimant is not None:
                        name = self.people[claimant - 1]
                        add(name, "mention_person", claimant)
                        add(" said that ")
                    else:
                        add("The report claims that ")
                    add(clause, "appearance", cid)
                    add(". ")
                elif what == "reprint":
                    cid, clause = payload
                    add(f"As {rng.choice(OUTLETS)} reported earlier, “")
                    add(clause, "appearance", cid)
                    add(".” ")
                elif what == "emoji":
                    add("Supporters replied with 👍 and 🔥 in their thousands. ")
                else:
                    sentence = _fill(rng, rng.choice(FILLER_TEMPLATES))
                    start = add(sentence)
                    filler_spans.append((start, start + len(sentence)))
                    add(" ")
                in_paragraph += 1
                if in_paragraph >= rng.randint(3, 6):
                    pieces[-1] = pieces[-1][:-1] + "\n\n"  # every piece here ends with a space
                    length += 1
                    in_paragraph = 0
            text = "".join(pieces).rstrip() + "\n"
            sha = text_sha256(text)
            rows["source"].append((
                source_id, created, created, 1, kind, title, f"https://news.example/{source_id}", outlet,
                rng.choice(self.people) if rng.random() < 0.6 else None, created.date().isoformat(),
                "en", text, sha, len(text), utf16_length(text)))
            self.sample_sources.add(source_id)

            # Spans → mentions and appearances (offsets checked against the text).
            appearance_by_claim = {}
            for kind_, payload, start, end in spans:
                exact = text[start:end]
                prefix, suffix = context(text, start, end)
                if kind_ == "mention_person":
                    rows["mention"].append((self.ids["mention"].next(), source_id, payload, None, "manual",
                                            start, end, exact, prefix, suffix))
                else:
                    appearance_by_claim.setdefault(payload, []).append((start, end, exact, prefix, suffix))

            # Claims of this source (first appearance here).
            next_reprints = []
            for cid, claimant, clause in claim_sentences:
                ctime = _claim_time(cid - 1, self.n_claims)
                verdicts = []
                if rng.random() < 0.3:
                    verdicts.append(rng.choice(RATINGS))
                    if rng.random() < 0.05:
                        verdicts.append(rng.choice(RATINGS))
                latest, updated, version = None, ctime, 1
                for rating in verdicts:
                    vid = self.ids["verdict"].next()
                    updated = _ms(updated + dt.timedelta(hours=rng.randint(1, 24 * 30), seconds=rng.randint(0, 3599)))
                    rows["verdict"].append((vid, cid, rating, self._rationale(rating), self.reviewer_id,
                                            self.reviewer_name, updated))
                    self._evidence(rows, vid, rating, carry, filler_spans, source_id)
                    latest, version = vid, version + 1
                status = status_after(verdicts[-1] if verdicts else None)
                self.status_counts[status] = self.status_counts.get(status, 0) + 1
                rows["claim"].append((cid, ctime, updated, version, clause[0].upper() + clause[1:], claimant, status,
                                      "manual" if rng.random() < 0.8 else "extracted",
                                      round(rng.random(), 3) if rng.random() < 0.5 else None, latest))
                for start, end, exact, prefix, suffix in appearance_by_claim[cid]:
                    rows["appearance"].append((self.ids["appearance"].next(), cid, source_id, start, end, exact,
                                               prefix, suffix))
                for tag in rng.sample(TAGS, rng.choice([0, 1, 1, 2, 2, 3])):
                    rows["tag"].append((self.ids["tag"].next(), cid, tag))
                if rng.random() < 0.2:
                    rows["claim_event"].append((self.ids["claim_event"].next(), cid, rng.randint(1, self.n_events)))
                if rng.random() < 0.25:
                    next_reprints.append((cid, clause))
                if claimant is not None:
                    self.claimant_counts[claimant] = self.claimant_counts.get(claimant, 0) + 1
                self.sample_claims.add(cid)
                if status == "unverifiable":
                    self.unverifiable_claims.add(cid)

            # Second appearances: claims of the previous source reprinted here.
            for cid, _ in reprints:
                for start, end, exact, prefix, suffix in appearance_by_claim[cid]:
                    rows["appearance"].append((self.ids["appearance"].next(), cid, source_id, start, end, exact,
                                               prefix, suffix))
            carry["reprints"] = next_reprints
            carry["filler"] = (source_id, text, filler_spans)
        for name, value in rows.items():
            self.counts[name] += len(value)
        return rows

    def _rationale(self, rating: str) -> str:
        rng = self.rng
        return (f"We compared the statement with {rng.choice(['official statistics', 'budget documents', 'court records', 'the audited accounts', 'the census'])} "
                f"for {rng.randint(2010, 2024)}. {_fill(rng, rng.choice(FILLER_TEMPLATES))} "
                f"Rated {rating.replace('_', ' ')}.")

    def _evidence(self, rows, verdict_id: int, rating: str, carry: dict, filler_spans, source_id: int) -> None:
        rng = self.rng
        stance = {"corroborated": "supports", "contradicted": "refutes"}.get(rating, rng.choice(["context", "supports"]))
        if rating == "unverifiable" and rng.random() < 0.5:
            return
        previous = carry.get("filler")
        if previous is not None and rng.random() < 0.3 and previous[2]:
            # A span of another stored source (the previous one's filler: never the claim's own text).
            ev_source, text, fillers = previous
            start, end = rng.choice(fillers)
            prefix, suffix = context(text, start, end)
            rows["evidence"].append((self.ids["evidence"].next(), verdict_id, stance, ev_source, start, end,
                                     text[start:end], prefix, suffix, None, None))
        else:
            rows["evidence"].append((self.ids["evidence"].next(), verdict_id, stance, None, None, None, None, None,
                                     None, f"https://stats.example/{rng.randint(1, 10**6)}",
                                     _fill(rng, rng.choice(FILLER_TEMPLATES))))


# ----------------------------------------------------------------------------- driver

def _fix_sequences(db) -> None:
    for model in (Source, Person, PersonNameToken, Event, EventParticipant, Mention, Claim, Appearance, ClaimTag,
                  ClaimEvent, Verdict, Evidence):
        table = model._meta.table_name
        db.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))")


def generate(database_url: str, claims: int, manifest_path: Path, seed: int = 1, quiet: bool = False) -> dict:
    from api.services.keys import create_key

    t0 = time.monotonic()
    db = bind(open_database(database_url))
    applied = migrate(db)
    db.connect(reuse_if_open=True)
    if not is_postgres(db):
        # This connection only: the app's own connections keep synchronous=NORMAL.
        db.execute_sql("PRAGMA synchronous=OFF")
        db.execute_sql("PRAGMA cache_size=-262144")
    if Claim.select().exists():
        raise SystemExit(f"{database_url} already holds claims: generate into an empty database")
    key = create_key("bench admin", "admin")
    gen = Generator(claims, seed, key.key.id, key.key.name)

    with db.atomic():
        people, tokens = gen.people_rows()
        _insert(Person, F["person"], people, db)
        _insert(PersonNameToken, F["token"], tokens, db)
        events, participants = gen.event_rows()
        _insert(Event, F["event"], events, db)
        _insert(EventParticipant, F["participant"], participants, db)
    gen.counts.update(person=len(people), token=len(tokens), event=len(events), participant=len(participants))

    carry: dict = {}
    with tqdm(total=claims, unit="claim", disable=quiet, desc=f"claims → {database_url.split('://')[0]}",
              smoothing=0.1) as bar:
        for first in range(0, gen.n_sources, SOURCES_PER_BLOCK):
            last = min(gen.n_sources, first + SOURCES_PER_BLOCK)
            rows = gen.block(first, last, carry)
            with db.atomic():
                for name in ORDER:
                    _insert(MODELS[name], F[name], rows[name], db)
            bar.update(len(rows["claim"]))

    if is_postgres(db):
        _fix_sequences(db)
        db.close()
        # VACUUM cannot run in a transaction: autocommit connection.
        import psycopg
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    else:
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()

    top_claimants = sorted(gen.claimant_counts.items(), key=lambda kv: -kv[1])
    median_claimants = [pid for pid, count in top_claimants if count >= 60][-20:] or [pid for pid, _ in top_claimants[:20]]
    manifest = {
        "database_url": database_url,
        "claims": claims,
        "seed": seed,
        "counts": gen.counts,
        "status_counts": gen.status_counts,
        "migrations_applied": applied,
        "token": key.token,
        "sample_claims": [encode_id("claim", c) for c in gen.sample_claims.items],
        "unverifiable_claims": [encode_id("claim", c) for c in gen.unverifiable_claims.items],
        "sample_sources": [encode_id("source", s) for s in gen.sample_sources.items],
        # claimants with at least a page of claims (the least prolific of those), so that
        # every request returns a full page at every scale
        "claimants": [encode_id("person", p) for p in median_claimants],
        "generated_in_s": round(time.monotonic() - t0, 1),
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "complete": True,
    }
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, required=True)
    parser.add_argument("--database-url", required=True, help="an empty database (sqlite:///… or postgresql://…)")
    parser.add_argument("--manifest", required=True, help="where to write the manifest (JSON)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    manifest = generate(args.database_url, args.claims, Path(args.manifest), seed=args.seed, quiet=args.quiet)
    print(json.dumps({k: manifest[k] for k in ("claims", "counts", "status_counts", "generated_in_s")}))


if __name__ == "__main__":
    main()
