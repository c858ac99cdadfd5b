"""Result types of the extraction pipeline: plain dataclasses, JSON-friendly via to_dict()."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

ClaimKind = Literal["direct_quote", "attributed", "reported"]


@dataclass(frozen=True)
class KnownPerson:
    """A person already stored (e.g. in the database) to resolve extracted people against."""

    key: str
    name: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Mention:
    """A span of the input text: code-point offsets, end exclusive, text[start:end] == exact."""

    start: int
    end: int
    exact: str


@dataclass
class ExtractedPerson:
    key: str  # document-local key, referenced by events and claims
    name: str  # canonical name, titles stripped
    aliases: list[str]
    mentions: list[Mention]
    known_key: str | None = None  # KnownPerson.key when resolved against stored people


@dataclass
class ExtractedEvent:
    key: str
    name: str
    kind: str
    starts_at: str | None  # YYYY-MM-DD when an absolute date is found
    location: str | None
    participants: list[str]  # ExtractedPerson keys
    mentions: list[Mention]


@dataclass
class ExtractedClaim:
    start: int
    end: int
    exact: str
    kind: ClaimKind
    claimant: str | None  # ExtractedPerson key; None for the outlet or a non-person
    checkworthiness: float  # 0..1, calibrated (checkworthiness.py)
    text: str = ""  # the checkable statement: `exact` without its attribution ("" = exact)
    events: list[str] = field(default_factory=list)  # ExtractedEvent keys mentioned in the claim's span

    def __post_init__(self):
        if not self.text:
            self.text = self.exact


@dataclass
class ExtractionResult:
    people: list[ExtractedPerson] = field(default_factory=list)
    events: list[ExtractedEvent] = field(default_factory=list)
    claims: list[ExtractedClaim] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)
