"""Claims as a CSV spreadsheet (`GET /v1/claims` with `Accept: text/csv`)."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

from api.presenters.claims import present_claims
from api.presenters.formats import ref as _ref, stamp as _stamp
from api.services.claims import ClaimDetails

CSV_COLUMNS = ("id", "text", "status", "claimant_id", "claimant_name", "origin", "checkworthiness", "tags",
               "source_id", "start", "end", "exact", "created_at", "updated_at")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _claim_rows(claim: dict) -> Iterator[list]:
    """One row per appearance (a claim without any still gets one); `claim` as present_claims gives it."""
    claimant = claim["claimant"]
    head = [_ref("claim", claim["id"]), claim["text"], claim["status"], _ref("person", claimant and claimant["id"]),
            claimant and claimant["name"], claim["origin"], claim["checkworthiness"], ";".join(claim["tags"])]
    tail = [_stamp(claim, "created_at"), _stamp(claim, "updated_at")]
    for span in claim["appearances"] or [None]:
        where = [_ref("source", span["source_id"]), span["start"], span["end"], span["exact"]] if span else [None] * 4
        yield [_cell(value) for value in head + where + tail]


def _csv_text(rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def claims_csv(batches: Iterable[list[ClaimDetails]], offsets: str) -> Iterator[str]:
    """Claims as CSV chunks: the header, then one chunk per batch (see claims.all_claims), span
    offsets in the request's units."""
    yield _csv_text([CSV_COLUMNS])
    for claims in batches:
        yield _csv_text(row for claim in present_claims(claims, offsets) for row in _claim_rows(claim))
