"""Claims as a CSV spreadsheet (`GET /v1/claims` with `Accept: text/csv`)."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

from api.models import Claim
from api.pagination import paginate
from api.services.claims import attach_details, claims_query
from api.services.exports import BATCH, _read_snapshot, _ref, _stamp


# ---- claims as CSV -------------------------------------------------------------------------

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


def _claim_rows(claim: Claim) -> Iterator[list]:
    """One row per appearance (a claim without any still gets one)."""
    claimant = claim.claimant_ref
    head = [_ref("claim", claim.id), claim.text, claim.status, _ref("person", claimant and claimant.id),
            claimant and claimant.name, claim.origin, claim.checkworthiness, ";".join(claim.tag_list)]
    tail = [_stamp(claim, "created_at"), _stamp(claim, "updated_at")]
    for span in claim.appearance_list or [None]:
        where = [_ref("source", span.source_id), span.start, span.end, span.exact] if span else [None] * 4
        yield [_cell(value) for value in head + where + tail]


def _csv_text(rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def claims_csv(filters: dict, *, sort: str = "created_at", offsets: str = "codepoints") -> Iterator[str]:
    """Every claim matching the list filters, in `sort` order, as CSV chunks: the header, then
    one chunk per keyset batch. No paging: a spreadsheet wants them all."""
    yield _csv_text([CSV_COLUMNS])
    with _read_snapshot():
        cursor = None
        while True:
            page = paginate(claims_query(filters), sort=sort, cursor=cursor, limit=BATCH)
            attach_details(page.items, offsets=offsets)
            yield _csv_text(row for claim in page.items for row in _claim_rows(claim))
            if page.next_cursor is None:
                return
            cursor = page.next_cursor
