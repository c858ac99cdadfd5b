"""The tables, one module per aggregate."""
from api.models.audit import AuditEntry
from api.models.base import utcnow
from api.models.claim import Appearance, Claim, ClaimEvent, ClaimTag
from api.models.event import Event, EventParticipant
from api.models.imported_review import ImportedReview
from api.models.job import Job
from api.models.key import ApiKey
from api.models.matching import ClaimEmbedding, MatchingState, MatchingTerm
from api.models.mention import Mention
from api.models.person import Person, PersonNameToken
from api.models.source import Source
from api.models.verdict import Evidence, IdempotentRequest, Verdict
from api.models.webhook import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ApiKey", "AuditEntry", "Appearance", "Claim", "ClaimEmbedding", "ClaimEvent", "ClaimTag", "Event", "EventParticipant",
    "Evidence", "IdempotentRequest", "ImportedReview", "Job", "MatchingState", "MatchingTerm", "Verdict",
    "Mention", "Person", "PersonNameToken", "Source", "utcnow",
    "WebhookDelivery", "WebhookEndpoint", "WebhookEvent",
]
