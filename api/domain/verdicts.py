"""Rules for verdicts: which ratings exist, what evidence each needs, and the claim status."""
from __future__ import annotations

from dataclasses import dataclass

RATINGS = ("corroborated", "partly_corroborated", "contradicted", "unverifiable")
STANCES = ("supports", "refutes", "context")
UNREVIEWED = "unreviewed"
STATUSES = (UNREVIEWED, *RATINGS)  # a claim's status: its latest verdict's rating, or unreviewed

# The evidence a rating cannot stand without: a stance at least one piece must take.
REQUIRED_STANCE = {"corroborated": "supports", "contradicted": "refutes"}

# schema.org reviewRating: 1 (worst) .. 5 (best), with the rating as alternateName.
RATING_VALUES = {"contradicted": 1, "unverifiable": 3, "partly_corroborated": 4, "corroborated": 5}
BEST_RATING, WORST_RATING = 5, 1


@dataclass(frozen=True)
class EvidenceSpan:
    source_id: int
    start: int
    end: int


def status_after(latest_rating: str | None) -> str:
    """A claim's status is its latest verdict's rating; with none, it is unreviewed."""
    return latest_rating or UNREVIEWED


def evidence_errors(rating: str, stances: list[str]) -> list[str]:
    """What the evidence lacks for this rating (empty when it is enough)."""
    needed = REQUIRED_STANCE.get(rating)
    if needed and needed not in stances:
        return [f"A verdict of {rating} needs at least one piece of evidence that {needed} the claim."]
    if rating == "partly_corroborated" and not stances:
        return ["A verdict of partly_corroborated needs evidence."]
    return []


def overlaps(a: EvidenceSpan, b: EvidenceSpan) -> bool:
    return a.source_id == b.source_id and a.start < b.end and b.start < a.end


def overlapping_appearance(evidence: EvidenceSpan, appearances: list[EvidenceSpan]) -> EvidenceSpan | None:
    """The claim's own appearance this evidence overlaps: a claim cannot be its own evidence."""
    return next((a for a in appearances if overlaps(evidence, a)), None)
