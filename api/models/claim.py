from __future__ import annotations

import peewee

from api.domain.verdicts import UNREVIEWED
from api.domain.vocabulary import MANUAL

from api.models.base import BaseModel, SpanFields, Versioned
from api.models.event import Event
from api.models.person import Person
from api.models.source import Source


class Claim(Versioned):
    text = peewee.TextField()
    claimant = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="claims")
    status = peewee.CharField(max_length=32, default=UNREVIEWED)
    origin = peewee.CharField(max_length=16, default=MANUAL)
    checkworthiness = peewee.FloatField(null=True)
    # The newest verdict (no foreign key: verdicts reference claims, not the reverse);
    # kept with `status` in the transaction that inserts a verdict.
    latest_verdict_id = peewee.BigIntegerField(null=True)


class Appearance(SpanFields):
    """Where a claim appears: a span of a source."""

    claim = peewee.ForeignKeyField(Claim, on_delete="CASCADE", backref="appearances")
    source = peewee.ForeignKeyField(Source, on_delete="RESTRICT", backref="appearances")


class ClaimTag(BaseModel):
    claim = peewee.ForeignKeyField(Claim, on_delete="CASCADE", backref="tag_links")
    tag = peewee.CharField(max_length=64)

    class Meta:
        indexes = ((("claim", "tag"), True), (("tag", "claim"), False))


class ClaimEvent(BaseModel):
    claim = peewee.ForeignKeyField(Claim, on_delete="CASCADE", backref="event_links")
    event = peewee.ForeignKeyField(Event, on_delete="CASCADE", backref="claim_links")

    class Meta:
        indexes = ((("claim", "event"), True), (("event", "claim"), False))
