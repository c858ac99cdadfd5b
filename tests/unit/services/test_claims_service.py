"""Claims and verdicts, called with plain values: keys, dicts, an Actor, the raw If-Match."""
from __future__ import annotations

import pytest

from api.domain.errors import Conflict, Invalid, NotFound, PreconditionFailed
from api.services.claims import create_claim, get_claim, update_claim
from api.services.common import etag_for
from api.services.sources import create_source
from api.services.verdicts import record_verdict

TEXT = "The summit was the first in four years. The summit ended early."


@pytest.fixture
def source(db, checker) -> int:
    return create_source({"text": TEXT}, actor=checker).source.id


def test_a_claim_is_anchored_by_quote_and_returned_with_its_details(source, checker):
    claim = create_claim({"appearances": [{"source": source, "exact": "the first in four years"}],
                          "tags": [" Summits "]}, actor=checker)
    assert claim.claim.text == "the first in four years" and claim.claim.status == "unreviewed"
    assert [(a.start, a.end) for a in claim.appearances] == [(15, 38)] and claim.tags == ["summits"]
    assert get_claim(claim.claim.id).appearances[0].exact == "the first in four years"


def test_an_ambiguous_quote_is_a_conflict_listing_candidates_in_the_spans_units(source, checker):
    with pytest.raises(Conflict) as raised:
        create_claim({"appearances": [{"source": source, "exact": "The summit"}]}, actor=checker)
    assert raised.value.slug == "ambiguous-quote" and raised.value.field == "appearances.0.exact"
    assert raised.value.details["candidates"] == [{"start": 0, "end": 10}, {"start": 40, "end": 50}]


def test_offsets_in_utf16_units_are_resolved_to_code_points(db, checker):
    astral = create_source({"text": "🗳 The vote counted."}, actor=checker).source.id
    claim = create_claim({"appearances": [{"source": astral, "start": 3, "end": 11, "units": "utf16"}]},
                         actor=checker)
    assert (claim.appearances[0].start, claim.appearances[0].exact) == (2, "The vote")
    assert claim.utf16[astral].to_utf16(2) == 3  # what presenting the write needs, loaded in its transaction


def test_an_unconditional_edit_wins_and_a_stale_one_is_refused(source, checker):
    claim = create_claim({"appearances": [{"source": source, "start": 0, "end": 10}]}, actor=checker)
    stale = etag_for(claim.claim)
    edited = update_claim(claim.claim.id, {"text": "Edited"}, actor=checker)
    assert edited.claim.version == claim.claim.version + 1
    with pytest.raises(PreconditionFailed):
        update_claim(claim.claim.id, {"text": "Lost update"}, actor=checker, if_match=stale)
    assert get_claim(claim.claim.id).claim.text == "Edited"


def test_a_verdict_without_the_evidence_its_rating_needs_is_invalid(source, checker):
    claim = create_claim({"appearances": [{"source": source, "start": 0, "end": 10}]}, actor=checker)
    with pytest.raises(Invalid) as raised:
        record_verdict(claim.claim.id, {"rating": "corroborated", "rationale": "", "evidence": []}, reviewer=checker)
    assert raised.value.slug == "insufficient-evidence" and list(raised.value.errors) == ["evidence"]
    verdict = record_verdict(claim.claim.id, {"rating": "unverifiable", "rationale": "No record.", "evidence": []},
                             reviewer=checker)
    assert verdict.verdict.reviewer_name == "unit checker" and verdict.verdict.reviewer_id is None
    assert get_claim(claim.claim.id).claim.status == "unverifiable"


def test_an_unknown_claim_is_not_found_naming_its_public_id(db):
    with pytest.raises(NotFound, match="No claim with id 'clm_"):
        get_claim(987_654_321)
