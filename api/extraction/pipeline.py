"""extract(): text in, people / events / claims with code-point offsets out.

Work is bounded: a text longer than `max_chars` (default MAX_CHARS = 200,000 code points,
about 30,000 words, several times a long feature article) raises TextTooLong before any NLP
work; the caller maps it to 413. Below the limit the text is cut into lines, page furniture is
dropped without NLP, and long lines are cut into chunks of at most CHUNK_CHARS at sentence ends,
so the parser never sees one huge document and memory stays flat. The small English model
processes roughly 20,000-60,000 code points per second per core (bench/extraction_throughput.py),
so a text at the limit costs seconds, not minutes. Candidate claims are then scored by the
trained check-worthiness model (checkworthiness.py, onnxruntime), which costs about half of
the parse again (bench/extraction_throughput.py: extraction ≥ 50 % of nlp.pipe throughput).
"""
from __future__ import annotations

import re

from .boilerplate import EMBED, FURNITURE, Block, split_blocks
from .checkworthiness import ARTICLE_THRESHOLD, get_model
from .claims import extract_claims, select_claims
from .errors import NotText, TextTooLong
from .events import extract_events
from .model import get_nlp
from .people import attach_speakers, resolve_people
from .textnorm import scrub
from .transcripts import label_at
from .types import ExtractionResult, KnownPerson

TRANSCRIPT = "transcript"

MAX_CHARS = 200_000
CHUNK_CHARS = 5_000
_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")


def _chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut into pieces of at most CHUNK_CHARS, at a sentence end when possible."""
    out = []
    while end - start > CHUNK_CHARS:
        window = text[start:start + CHUNK_CHARS]
        cut = None
        for m in _BREAK.finditer(window):
            if m.end() > CHUNK_CHARS // 2:
                cut = m.end()
        if cut is None:
            ws = window.rfind(" ")
            cut = ws + 1 if ws > CHUNK_CHARS // 2 else CHUNK_CHARS
        out.append((start, start + cut))
        start += cut
    out.append((start, end))
    return out


def _units(text: str, blocks: list[Block], transcript: bool):
    """(block, start, end) pieces to run the model on (every non-furniture line, chunked), and
    for a transcript its speaker labels [(label, first unit index of the turn)] and each
    unit's turn number {unit start: turn}."""
    units, labels, turn_of, turn = [], [], {}, 0
    for b in blocks:
        if b.kind == FURNITURE:
            continue
        start = b.start
        if transcript:
            label = label_at(text, b.start, b.end)
            if label is not None:
                turn += 1
                labels.append((label, turn))
                start = label.content_start
        for s, e in _chunks(text, start, b.end):
            units.append((b, s, e))
            turn_of[s] = turn
    return units, labels, turn_of


def _masked(text: str, block: Block, s: int, e: int) -> str:
    """The unit's text with links blanked out (same length, so offsets still hold)."""
    piece = text[s:e]
    for ms, me in block.masks:
        a, z = max(ms, s), min(me, e)
        if a < z:
            piece = piece[: a - s] + " " * (z - a) + piece[z - s:]
    return piece


def extract(text: str, known_people: list[KnownPerson] | tuple = (), *, kind: str | None = None,
            model_name: str | None = None, max_chars: int = MAX_CHARS) -> ExtractionResult:
    """People, events and check-worthy claims in `text`, each anchored to code-point spans.

    `kind` is the source kind; "transcript" reads speaker labels ("NAME: …", transcripts.py)
    and treats every line as speech (no headlines). Raises NotText if `text` is not a str and
    TextTooLong if it has more than `max_chars` code points (both ValueError subclasses).
    Empty or whitespace-only text gives an empty result. `model_name` overrides the spaCy
    pipeline (default: see model.get_nlp).
    """
    return extract_many([text], known_people, kind=kind, model_name=model_name, max_chars=max_chars)[0]


def extract_many(texts, known_people=(), *, kind: str | None = None, model_name: str | None = None,
                 max_chars: int = MAX_CHARS, batch_size: int = 64) -> list[ExtractionResult]:
    """extract() for several texts of one `kind`, batching the model over all of them (for ingest jobs)."""
    texts = list(texts)
    for text in texts:
        if not isinstance(text, str):
            raise NotText(f"text must be str, not {type(text).__name__}")
        if len(text) > max_chars:
            raise TextTooLong(len(text), max_chars)
    transcript = kind == TRANSCRIPT
    prepared = []
    for text in texts:
        if not text.strip():
            prepared.append((text, [], ([], [], {})))
            continue
        clean = scrub(text)
        blocks = split_blocks(clean, transcript=transcript)
        prepared.append((clean, blocks, _units(clean, blocks, transcript)))

    nlp = get_nlp(model_name)
    stream = ((_masked(clean, b, s, e), None) for clean, _, (units, _, _) in prepared for b, s, e in units)
    docs = iter(doc for doc, _ in nlp.pipe(stream, as_tuples=True, batch_size=batch_size))

    results = []
    for (clean, blocks, (units, labels, turn_of)), original in zip(prepared, texts):
        if not units:
            results.append(ExtractionResult())
            continue
        parsed = [(next(docs), s, b) for b, s, e in units]
        results.append(_assemble(original, clean, parsed, known_people, labels, turn_of))

    # One scoring call for every candidate of every text: sorted by length across texts, the
    # model's batches carry little padding.
    model = get_model()
    candidates = [c for r in results for c in r.claims]
    for c, score in zip(candidates, model.scores([c.text for c in candidates])):
        c.checkworthiness = round(score, 3)
    threshold = model.threshold if transcript else min(model.threshold, ARTICLE_THRESHOLD)
    for r in results:
        r.claims = select_claims(r.claims, threshold)
        for c in r.claims:  # the events the claim's own words mention ("… at the Anchorage summit …")
            c.events = [ev.key for ev in r.events if any(c.start <= m.start and m.end <= c.end for m in ev.mentions)]
    return results


def _assemble(original: str, clean: str, parsed, known_people, labels, turn_of) -> ExtractionResult:
    """People, events and candidate claims (unscored) of one text."""
    people_docs = [(doc, s) for doc, s, b in parsed]
    people, mention_index = resolve_people(people_docs, clean, known_people)
    turns = None
    if labels:
        speaker_of_turn = attach_speakers(people, mention_index, labels, clean, known_people)
        turns = {s: (turn_of[s], speaker_of_turn.get(turn_of[s])) for _, s, _ in parsed}
    events = extract_events(parsed, clean, mention_index)
    claims = extract_claims([(d, s, b) for d, s, b in parsed if b.kind in ("body", EMBED)], clean, mention_index,
                            turns=turns)
    # Spans were computed on the scrubbed copy (same length); re-read `exact` from the original.
    for p in people:
        for m in p.mentions:
            m.exact = original[m.start:m.end]
    for ev in events:
        for m in ev.mentions:
            m.exact = original[m.start:m.end]
    for c in claims:
        c.exact = original[c.start:c.end]
    return ExtractionResult(people=people, events=events, claims=claims)
