"""Importing an export's records: every span through the resolver, nothing stored on a bad one."""
from __future__ import annotations

import datetime as dt

import pytest

from api.domain.errors import Invalid
from api.models import Claim, Source
from api.services.imports import import_records

AT = dt.datetime(2025, 8, 15, 19, 0)
SOURCE = {"kind": "article", "title": None, "url": None, "publisher": None, "author": None, "published_at": None,
          "language": "en", "text": "Some text.", "created_at": AT, "updated_at": AT, "version": 1}


def claim(**span) -> dict:
    return {"text": "Some", "claimant": None, "status": "unreviewed", "origin": "manual", "checkworthiness": None,
            "latest_verdict": None, "tags": [], "events": [], "created_at": AT, "updated_at": AT, "version": 1,
            "appearances": [{"source": 1, "start": 0, "end": 4, "exact": "Some", "prefix": "", "suffix": "",
                             **span}]}


def test_records_are_loaded_with_spans_resolved_and_context_recomputed(db):
    counts = import_records([(1, "source", 1, dict(SOURCE)), (2, "claim", 1, claim())])
    assert counts == {"source": 1, "person": 0, "event": 0, "mention": 0, "claim": 1, "verdict": 0, "imported_review": 0}
    appearance = Claim.get_by_id(1).appearances.get()
    assert (appearance.exact, appearance.suffix) == ("Some", " text.")


def test_a_span_whose_quote_is_not_the_text_there_is_refused_naming_line_and_field(db):
    with pytest.raises(Invalid, match=r"^line 2 \(claim\): appearances\.0\.exact: ") as raised:
        import_records([(1, "source", 1, dict(SOURCE)), (2, "claim", 1, claim(exact="Same"))])
    assert raised.value.details == {"line": 2}
    assert Source.select().count() == 0 and Claim.select().count() == 0
