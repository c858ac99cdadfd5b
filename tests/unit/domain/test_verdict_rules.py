"""Verdict rules: which evidence each rating needs, the claim status, overlap with appearances."""
from __future__ import annotations

from api.domain.verdicts import (
    RATINGS, STATUSES, UNREVIEWED, EvidenceSpan, evidence_errors, overlapping_appearance, status_after,
)


def test_a_claims_status_is_its_latest_rating_or_unreviewed():
    assert status_after(None) == UNREVIEWED == "unreviewed"
    assert [status_after(rating) for rating in RATINGS] == list(RATINGS)
    assert STATUSES == ("unreviewed", *RATINGS)


def test_corroborated_needs_supporting_and_contradicted_refuting_evidence():
    assert evidence_errors("corroborated", ["supports"]) == []
    assert evidence_errors("corroborated", ["refutes", "context"]) == [
        "A verdict of corroborated needs at least one piece of evidence that supports the claim."]
    assert evidence_errors("contradicted", ["refutes"]) == []
    assert evidence_errors("contradicted", []) == [
        "A verdict of contradicted needs at least one piece of evidence that refutes the claim."]


def test_partly_corroborated_needs_some_evidence_and_unverifiable_none():
    assert evidence_errors("partly_corroborated", []) == ["A verdict of partly_corroborated needs evidence."]
    assert evidence_errors("partly_corroborated", ["context"]) == []
    assert evidence_errors("unverifiable", []) == []


def test_evidence_overlapping_an_appearance_in_the_same_source_is_found():
    appearances = [EvidenceSpan(1, 10, 20), EvidenceSpan(2, 0, 5)]
    assert overlapping_appearance(EvidenceSpan(1, 15, 30), appearances) == EvidenceSpan(1, 10, 20)
    assert overlapping_appearance(EvidenceSpan(1, 20, 30), appearances) is None  # end is exclusive
    assert overlapping_appearance(EvidenceSpan(3, 10, 20), appearances) is None  # another source
