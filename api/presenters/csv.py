"""Claims as a CSV spreadsheet (`GET /v1/claims` with `Accept: text/csv`)."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

from api.domain.spreadsheet import spreadsheet_cell
from api.domain.tags import TAG_SEPARATOR
from api.presenters.claims import present_claims
from api.presenters.formats import ref as _ref, stamp as _stamp
from api.services.claims import ClaimDetails

CSV_COLUMNS = ("id", "text", "status", "claimant_id", "claimant_name", "origin", "checkworthiness", "tags",
               "source_id", "start", "end", "exact", "created_at", "updated_at", "latest_rating",
               "latest_rationale", "latest_verdict_at")
UTF8_BOM = "\ufeff"


def _claim_rows(claim: dict) -> Iterator[list]:
    """One row per appearance (a claim without any still gets one); `claim` as present_claims gives it."""
    claimant = claim["claimant"]
    verdict = claim["latest_verdict"]
    head = [_ref("claim", claim["id"]), claim["text"], claim["status"], _ref("person", claimant and claimant["id"]),
            claimant and claimant["name"], claim["origin"], claim["checkworthiness"], TAG_SEPARATOR.join(claim["tags"])]
    tail = [_stamp(claim, "created_at"), _stamp(claim, "updated_at"), verdict and verdict["rating"],
            verdict and verdict["rationale"], verdict and _stamp(verdict, "created_at")]
    for span in claim["appearances"] or [None]:
        where = [_ref("source", span["source_id"]), span["start"], span["end"], span["exact"]] if span else [None] * 4
        yield [spreadsheet_cell(value) for value in head + where + tail]


def _csv_text(rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    # Every text cell quoted: a cell holding ; or a tab stays one cell in a spreadsheet that
    # reads semicolon- or tab-separated values, not only in one that reads commas.
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
    return buffer.getvalue()


def claims_csv(batches: Iterable[list[ClaimDetails]], offsets: str, *, bom: bool = False) -> Iterator[str]:
    """Claims as CSV chunks: the header, then one chunk per batch (see claims.all_claims), span
    offsets in the request's units. With bom, the file starts with U+FEFF, which Excel needs
    to read UTF-8."""
    yield (UTF8_BOM if bom else "") + _csv_text([CSV_COLUMNS])
    for claims in batches:
        yield _csv_text(row for claim in present_claims(claims, offsets) for row in _claim_rows(claim))
