"""Importing other desks' fact-checks (ClaimReview, Fact Check Tools) as claims with verdicts.

Each review (api.domain.claimreview_import.ImportedReview) becomes, in its own transaction:
- a source (kind `other`) whose text is the statement reviewed followed by a line naming the
  review (`review_source_text`), with the review's URL, title, publisher, date and language;
- a claim (origin `imported`) anchored to that source at 0..len(statement): its span is exact,
  as every claim's is, and the source text never changes;
- a verdict with the mapped rating, its rationale naming the desk and the original label, and
  one piece of evidence: the review itself (url, and the label as quote), with the stance the
  rating needs (supports / refutes / context) — so every verdict keeps its evidence rule;
- an ImportedReview row keeping what was published (label, numbers, publisher, URL, date,
  language, licence, claimant as named, appearances of the claim).

The review URL identifies a review: importing it again updates the row; a new verdict is
appended only when the rating changed (mapped rating or original label), so the history shows
each rating the desk gave. A changed statement gets a new source and the appearance moves to it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

import peewee

from api.db import database, is_postgres
from api.domain.claimreview_import import (
    ImportedReview as Parsed, ItemError, NotAFeed, count_items, parse_body, review_source_text,
)
from api.domain.errors import DomainError, Invalid
from api.domain.text import search_words, text_sha256, utf16_length
from api.domain.verdicts import REQUIRED_STANCE
from api.domain.vocabulary import IMPORTED
from api.models import Appearance, Claim, Evidence, ImportedReview, Job, Mention, Person, Source, Verdict, utcnow
from api.models.prepared import run_writes
from api.services import audit, jobs, outbox
from api.services.claims import CLAIMS_PATH
from api.services.people import name_match
from api.services.verdicts import rating_writes

CREATED, UPDATED, UNCHANGED, ERROR = "created", "updated", "unchanged", "error"
# Bodies with more items than this are imported by a job (kind IMPORT_JOB) rather than in the
# request: at roughly 5 ms an item on SQLite, 500 items answer within a few seconds.
SYNC_MAX_ITEMS = 500
IMPORT_JOB = "claimreview.import"
BATCH = 50  # items per commit; each item is a savepoint of its own
MAX_JOB_ITEMS_REPORTED = 10_000  # a job's result lists error items up to this many (counts are complete)
SOURCE_KIND = "other"
CONTEXT_CHARS = 32  # suffix kept with the claim's span, as spans elsewhere keep context
# The ImportedReview columns that come from a parsed review, under their parsed names.
_COLUMNS = {"publisher": "publisher", "publisher_url": "publisher_url", "title": "title",
            "rating_text": "rating_text", "rating_value": "rating_value", "best_rating": "best_rating",
            "worst_rating": "worst_rating", "review_date": "review_date", "language": "language",
            "license": "license", "claimant_name": "claimant", "claimant_is_person": "claimant_is_person",
            "claim_date": "claim_date"}


@dataclass(frozen=True)
class ItemResult:
    """What became of one item: `status` created / updated / unchanged / error."""

    index: int
    status: str
    review_url: str | None = None
    claim_id: int | None = None
    rating: str | None = None
    reason: str | None = None
    field: str | None = None


@dataclass
class ImportReport:
    items: list[ItemResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, ERROR: 0}
        for item in self.items:
            counts[item.status] += 1
        return counts


def import_or_submit(body, *, actor: audit.Actor, role: str | None = None) -> ImportReport | Job:
    """Import a body of at most SYNC_MAX_ITEMS items now (an ImportReport); a larger one becomes
    a queued job of kind IMPORT_JOB (the Job row), with progress in items. Raises Invalid
    (slug not-a-feed) when the body is none of the accepted shapes."""
    try:
        total = count_items(body)
    except NotAFeed as error:
        raise Invalid(None, str(error), slug="not-a-feed") from None
    if total > SYNC_MAX_ITEMS:
        return jobs.submit(IMPORT_JOB, {"body": body}, actor=actor, role=role, total=total)
    return import_reviews(body, actor=actor)


def run_import_job(run, body) -> dict:
    """The IMPORT_JOB handler's work: every item imported (safe to run again: a re-run finds the
    reviews already stored and reports them unchanged). The result: `counts`, and as `items` the
    error items only (index, status, review_url, reason, field), up to MAX_JOB_ITEMS_REPORTED."""
    report = import_reviews(body, actor=run.actor, progress=run.progress)
    errors = [{k: v for k, v in (("index", i.index), ("status", i.status), ("review_url", i.review_url),
                                 ("reason", i.reason), ("field", i.field)) if v is not None}
              for i in report.items if i.status == ERROR][:MAX_JOB_ITEMS_REPORTED]
    return {"counts": report.counts, "items": errors}


def parse(body) -> list[Parsed | ItemError]:
    """parse_body, with a body of no accepted shape as Invalid (422, slug not-a-feed)."""
    try:
        return parse_body(body)
    except NotAFeed as error:
        raise Invalid(None, str(error), slug="not-a-feed") from None


def import_reviews(body, *, actor: audit.Actor, progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import every item of `body` (parsed JSON of an accepted shape). Each item is all or
    nothing: it runs in a savepoint of its own, so an item that fails stores nothing and is
    reported with its index and reason while the others go on. Items are committed BATCH at a
    time (one commit per item made SQLite import 3× slower); an interrupted run loses at most the
    uncommitted batch, whole items only, and a re-run finds what was committed.
    `progress(done, total)` is called after each batch is committed (for jobs).
    Raises Invalid (slug not-a-feed) when the body is none of the accepted shapes."""
    items = parse(body)
    report = ImportReport()
    claimants: dict[str, int | None] = {}  # a feed names the same claimants again and again: look each up once
    for start in range(0, len(items), BATCH):
        with database.atomic():
            for item in items[start:start + BATCH]:
                report.items.append(import_item(item, actor=actor, claimants=claimants))
        if progress is not None:
            progress(min(start + BATCH, len(items)), len(items))
    return report


def import_item(item: Parsed | ItemError, *, actor: audit.Actor, claimants: dict | None = None) -> ItemResult:
    """One item, in a transaction (or a savepoint, inside one) of its own: an ItemResult.
    `claimants` caches find_claimant's answers across the items of one import."""
    if isinstance(item, ItemError):
        return ItemResult(item.index, ERROR, reason=item.reason, field=item.field)
    for attempt in range(2):
        try:
            with database.atomic():
                status, claim_id = _import_one(item, actor, {} if claimants is None else claimants)
            return ItemResult(item.index, status, item.review_url, claim_id, item.rating)
        except peewee.IntegrityError:
            # Another import stored the same review URL (or text) meanwhile: the second attempt finds it.
            if attempt:
                return ItemResult(item.index, ERROR, item.review_url, reason="The review was being imported concurrently; retry.")
        except DomainError as error:
            return ItemResult(item.index, ERROR, item.review_url, reason=error.message, field=error.field)
    raise AssertionError("unreachable")


def _claimant_of(name: str | None, cache: dict) -> int | None:
    if name is None:
        return None
    if name not in cache:
        cache[name] = find_claimant(name)
    return cache[name]


def find_claimant(name: str | None) -> int | None:
    """The stored person a review's claimant is (looked up whatever type the feed gave it:
    Fact Check Tools gives a bare name), when exactly one person's name or alias folds to the same
    words (api.domain.text.search_words: case, accents, scripts); else None (kept as a name)."""
    words = search_words(name or "")
    if not words:
        return None
    matches = [p.id for p in Person.select(Person.id, Person.name, Person.aliases).where(name_match(name))
               if any(search_words(n) == words for n in [p.name, *p.alias_list])]
    return matches[0] if len(matches) == 1 else None


def _source_for(review: Parsed, actor: audit.Actor) -> int:
    text = review_source_text(review)
    digest = text_sha256(text)
    existing = Source.select(Source.id).where(Source.text_sha256 == digest).first()
    if existing is not None:
        return existing.id
    source = Source.create(kind=SOURCE_KIND, title=review.title, url=review.review_url, publisher=review.publisher,
                           published_at=review.review_date, language=review.language, text=text, text_sha256=digest,
                           length=len(text), length_utf16=utf16_length(text))
    audit.record(actor, "create", "source", source.id, via="claimreview-import")
    outbox.emit_resource("source.created", "source", source.id, "/v1/sources", kind=source.kind)
    return source.id


def _span(review: Parsed) -> dict:
    text = review_source_text(review)
    end = len(review.claim_text)
    return {"start": 0, "end": end, "exact": review.claim_text, "prefix": "", "suffix": text[end:end + CONTEXT_CHARS]}


def _stance(rating: str) -> str:
    return REQUIRED_STANCE.get(rating, "context")


def _add_verdict(claim_id: int, review: Parsed, actor: audit.Actor) -> None:
    label = f"“{review.rating_text}”" if review.rating_text else f"{review.rating_value:g} of {review.worst_rating:g}..{review.best_rating:g}" \
        if review.rating_value is not None and review.best_rating is not None and review.worst_rating is not None else "no label"
    desk = review.publisher or "Another desk"
    verdict = Verdict.create(claim=claim_id, rating=review.rating,
                             rationale=f"Imported: {desk} rated this claim {label} in {review.review_url}",
                             reviewer=actor.key_id, reviewer_name=(review.publisher or actor.name)[:200], created_at=utcnow())
    Evidence.create(verdict=verdict.id, stance=_stance(review.rating), url=review.review_url,
                    quote=review.rating_text or review.title)
    run_writes(rating_writes(claim_id, verdict, actor, via="claimreview-import"))


def _columns(review: Parsed) -> dict:
    values = {column: getattr(review, name) for column, name in _COLUMNS.items()}
    values["appearances"] = json.dumps(review.as_dict()["appearances"], sort_keys=True)
    return values


def _import_one(review: Parsed, actor: audit.Actor, claimants: dict) -> tuple[str, int]:
    query = ImportedReview.select().where(ImportedReview.review_url == review.review_url)
    stored = (query.for_update() if is_postgres() else query).first()
    if stored is None:
        return CREATED, _create(review, actor, claimants)
    return _update(stored, review, actor, claimants), stored.claim_id


def _create(review: Parsed, actor: audit.Actor, claimants: dict) -> int:
    source_id = _source_for(review, actor)
    claim = Claim.create(text=review.claim_text, claimant=_claimant_of(review.claimant, claimants),
                         origin=IMPORTED)
    Appearance.create(claim=claim.id, source=source_id, **_span(review))
    ImportedReview.create(claim=claim.id, source=source_id, review_url=review.review_url, **_columns(review))
    audit.record(actor, "create", "claim", claim.id, origin=IMPORTED, review_url=review.review_url)
    outbox.emit_resource("claim.created", "claim", claim.id, CLAIMS_PATH, origin=IMPORTED)
    _add_verdict(claim.id, review, actor)
    return claim.id


def _stored_rating(stored: ImportedReview, claim_id: int) -> str | None:
    last = (Verdict.select(Verdict.rating).join(Evidence)
            .where((Verdict.claim == claim_id) & (Evidence.url == stored.review_url))
            .order_by(Verdict.created_at.desc(), Verdict.id.desc()).first())
    return last.rating if last else None


def _update(stored: ImportedReview, review: Parsed, actor: audit.Actor, claimants: dict) -> str:
    claim = Claim.select().where(Claim.id == stored.claim_id)
    claim = (claim.for_update() if is_postgres() else claim).get()
    old_source = Source.select(Source.id, Source.text).where(Source.id == stored.source_id).get()
    old_statement = Appearance.select(Appearance.exact).where(
        (Appearance.claim == claim.id) & (Appearance.source == old_source.id)).first()
    new_columns = _columns(review)
    changed = sorted(c for c, v in new_columns.items() if getattr(stored, c) != v)
    text_changed = old_source.text != review_source_text(review)
    rating_changed = _stored_rating(stored, claim.id) != review.rating or "rating_text" in changed \
        or "rating_value" in changed
    if not changed and not text_changed and not rating_changed:
        return UNCHANGED
    values = {**new_columns, "updated_at": utcnow()}
    claim_changes = {}
    if text_changed:
        values["source"] = _source_for(review, actor)
        Appearance.update(source=values["source"], **_span(review)).where(
            (Appearance.claim == claim.id) & (Appearance.source == old_source.id)).execute()
        if old_statement is not None and claim.text == old_statement.exact:  # not re-worded by someone, nor merged
            claim_changes["text"] = review.claim_text
        changed.append("claimReviewed")
    if "claimant_name" in changed:
        claimant = _claimant_of(review.claimant, claimants)
        if claimant is not None or claim.claimant_id is None:
            claim_changes["claimant"] = claimant
    ImportedReview.update(values).where(ImportedReview.id == stored.id).execute()
    Claim.update(**claim_changes, version=Claim.version + 1, updated_at=utcnow()).where(Claim.id == claim.id).execute()
    if text_changed:
        _drop_if_unused(old_source.id, actor)
    audit.record(actor, "update", "claim", claim.id, fields=changed, review_url=review.review_url, via="claimreview-import")
    if claim_changes:  # what a reader of the claim sees changed (its text, its claimant)
        outbox.emit_resource("claim.updated", "claim", claim.id, CLAIMS_PATH, fields=sorted(claim_changes))
    if rating_changed:
        _add_verdict(claim.id, review, actor)
    return UPDATED


def _drop_if_unused(source_id: int, actor: audit.Actor) -> None:
    """Delete a review's former source once nothing points at it any more."""
    for model, column in ((Appearance, Appearance.source), (Mention, Mention.source), (Evidence, Evidence.source),
                          (ImportedReview, ImportedReview.source)):
        if model.select().where(column == source_id).exists():
            return
    Source.delete().where(Source.id == source_id).execute()
    audit.record(actor, "delete", "source", source_id, via="claimreview-import", reason="the review's statement changed")
    outbox.emit_resource("source.deleted", "source", source_id, "/v1/sources")
