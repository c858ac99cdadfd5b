"""Sources, their annotations, and what extraction stored."""
from __future__ import annotations

from api.domain.ids import encode_id
from api.presenters.claims import present_claims
from api.presenters.people import event_ref, person_ref
from api.presenters.spans import SpanPresenter
from api.services.annotations import Annotation
from api.services.extraction import ExtractionSummary
from api.services.sources import SourceDetails

METADATA = ("kind", "title", "url", "publisher", "author", "published_at", "language")


def present_sources(sources: list[SourceDetails]) -> list[dict]:
    """SourceSchema dicts (no text)."""
    return [{"id": d.source.id, **{name: getattr(d.source, name) for name in METADATA},
             "text_sha256": d.source.text_sha256, "length": d.source.length, "length_utf16": d.source.length_utf16,
             "counts": d.counts, "created_at": d.source.created_at, "updated_at": d.source.updated_at}
            for d in sources]


def present_source(source: SourceDetails, offsets: str = "codepoints") -> dict:
    """SourceDetailSchema: with the text, and what extraction stored when it ran at creation."""
    body = {**present_sources([source])[0], "text": source.source.text}
    if source.extraction is not None:
        body["extraction"] = present_extraction(source.extraction, offsets)
    return body


def present_extraction(summary: ExtractionSummary, offsets: str) -> dict:
    """ExtractionSchema."""
    return {"people": [person_ref(p) for p in summary.people],
            "matched_people": [person_ref(p) for p in summary.matched_people],
            "events": [event_ref(e) for e in summary.events],
            "claims": present_claims(summary.claims, offsets), "linked_claims": list(summary.linked),
            "mentions": summary.mentions}


def _entity(annotation: Annotation) -> dict:
    row = annotation.span
    if annotation.kind == "claim":
        return {"id": encode_id("claim", row.claim.id), "text": row.claim.text, "status": row.claim.status}
    if annotation.kind == "person":
        return {"id": encode_id("person", row.person.id), "name": row.person.name}
    if annotation.kind == "event":
        return {"id": encode_id("event", row.event.id), "name": row.event.name}
    return {"id": encode_id("verdict", row.verdict.id), "claim": encode_id("claim", row.verdict.claim_id),
            "rating": row.verdict.rating, "stance": row.stance}


def present_annotations(annotations: list[Annotation], offsets: str) -> list[dict]:
    """AnnotationSchema dicts: the span, its kind, and what it belongs to."""
    spans = SpanPresenter(offsets).prepare({a.span.source_id for a in annotations})
    return [{**spans(a.span), "kind": a.kind, "entity": _entity(a)} for a in annotations]
