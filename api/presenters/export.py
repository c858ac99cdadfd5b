"""The NDJSON export: one JSON object per line, `claimtrack import` loads it back.

A line is {"type": "source"|"person"|"event"|"mention"|"claim"|"verdict", "id": public id,
...fields}, in dependency order, links (participants, tags, appearances, evidence) inlined in
their owner's line. Ids, timestamps and versions are kept, so every URL and ETag a client holds
stays valid in the new database. The reviewer's key is not exported (keys are secrets): its
name is kept. Last come the imported reviews ({"type": "imported_review", "claim", "source",
"review_url", ...}: what another desk published, migration 0007), which have no public id: the
review URL is their key. `schemas.exports` validates the same shape on the way in.
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator

from api.presenters.formats import ref as _ref, stamp as _stamp
from api.services.exports import ExportBatch, export_batches

# JSON leaves these raw inside strings, but str.splitlines() and some NDJSON readers split
# lines on them: escaped, a line of the export is always exactly one object.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _versioned(row: dict) -> dict:
    return {"created_at": _stamp(row, "created_at"), "updated_at": _stamp(row, "updated_at"), "version": row["version"]}


def _span(row: dict) -> dict:
    return {"source": _ref("source", row["source"]), "start": row["start"], "end": row["end"],
            "exact": row["exact"], "prefix": row["prefix"], "suffix": row["suffix"]}


def _source_lines(batch: ExportBatch) -> Iterator[dict]:
    for s in batch.rows:
        yield {"type": "source", "id": _ref("source", s["id"]), "kind": s["kind"], "title": s["title"],
               "url": s["url"], "publisher": s["publisher"], "author": s["author"],
               "published_at": s["published_at"], "language": s["language"], "text": s["text"], **_versioned(s)}


def _person_lines(batch: ExportBatch) -> Iterator[dict]:
    for p in batch.rows:
        yield {"type": "person", "id": _ref("person", p["id"]), "name": p["name"],
               "aliases": p["aliases"], "description": p["description"],
               "wikidata_id": p["wikidata_id"], "origin": p["origin"], **_versioned(p)}


def _event_lines(batch: ExportBatch) -> Iterator[dict]:
    participants = batch.links["participants"]
    for e in batch.rows:
        yield {"type": "event", "id": _ref("event", e["id"]), "name": e["name"], "kind": e["kind"],
               "description": e["description"], "starts_at": e["starts_at"], "ends_at": e["ends_at"],
               "location": e["location"], "origin": e["origin"],
               "participants": [_ref("person", link["person"]) for link in participants[e["id"]]], **_versioned(e)}


def _mention_lines(batch: ExportBatch) -> Iterator[dict]:
    for m in batch.rows:
        yield {"type": "mention", "id": _ref("mention", m["id"]), **_span(m), "person": _ref("person", m["person"]),
               "event": _ref("event", m["event"]), "origin": m["origin"]}


def _claim_lines(batch: ExportBatch) -> Iterator[dict]:
    tags, events, appearances = batch.links["tags"], batch.links["events"], batch.links["appearances"]
    for c in batch.rows:
        yield {"type": "claim", "id": _ref("claim", c["id"]), "text": c["text"],
               "claimant": _ref("person", c["claimant"]), "status": c["status"], "origin": c["origin"],
               "checkworthiness": c["checkworthiness"], "latest_verdict": _ref("verdict", c["latest_verdict_id"]),
               "tags": [link["tag"] for link in tags[c["id"]]],
               "events": [_ref("event", link["event"]) for link in events[c["id"]]],
               "appearances": [_span(a) for a in appearances[c["id"]]], **_versioned(c)}


def _verdict_lines(batch: ExportBatch) -> Iterator[dict]:
    evidence = batch.links["evidence"]
    for v in batch.rows:
        yield {"type": "verdict", "id": _ref("verdict", v["id"]), "claim": _ref("claim", v["claim"]),
               "rating": v["rating"], "rationale": v["rationale"], "reviewer_name": v["reviewer_name"],
               "created_at": _stamp(v, "created_at"),
               "evidence": [{"stance": e["stance"], "source": _ref("source", e["source"]), "start": e["start"],
                             "end": e["end"], "exact": e["exact"], "prefix": e["prefix"], "suffix": e["suffix"],
                             "url": e["url"], "quote": e["quote"]} for e in evidence[v["id"]]]}


def _imported_review_lines(batch: ExportBatch) -> Iterator[dict]:
    for r in batch.rows:
        yield {"type": "imported_review", "claim": _ref("claim", r["claim"]), "source": _ref("source", r["source"]),
               "review_url": r["review_url"], "publisher": r["publisher"], "publisher_url": r["publisher_url"],
               "title": r["title"], "rating_text": r["rating_text"], "rating_value": r["rating_value"],
               "best_rating": r["best_rating"], "worst_rating": r["worst_rating"], "review_date": r["review_date"],
               "language": r["language"], "license": r["license"], "claimant_name": r["claimant_name"],
               "claimant_is_person": r["claimant_is_person"], "claim_date": r["claim_date"],
               "appearances": r["appearances"], "created_at": _stamp(r, "created_at"),
               "updated_at": _stamp(r, "updated_at")}


LINES = {"source": _source_lines, "person": _person_lines, "event": _event_lines, "mention": _mention_lines,
         "claim": _claim_lines, "verdict": _verdict_lines, "imported_review": _imported_review_lines}


def export_lines(batches: Iterable[ExportBatch] | None = None) -> Iterator[str]:
    """Every exported row as one JSON line (no newline). Reads `export_batches()` unless given
    batches; needs an open connection for as long as it is iterated."""
    for batch in export_batches() if batches is None else batches:
        for line in LINES[batch.kind](batch):
            yield json.dumps(line, ensure_ascii=False, separators=(",", ":")).translate(_LINE_BREAKS)
