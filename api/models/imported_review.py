from __future__ import annotations

import json

import peewee

from api.models.base import BaseModel, utcnow
from api.models.claim import Claim
from api.models.source import Source


class ImportedReview(BaseModel):
    """A fact-check imported from another desk: what it said, as published (migration 0007).
    Unique by review URL; a claim has one, or several after a merge; `source` holds the text anchoring the claim."""

    claim = peewee.ForeignKeyField(Claim, on_delete="CASCADE", backref="imported_reviews")
    source = peewee.ForeignKeyField(Source, on_delete="RESTRICT")
    review_url = peewee.CharField(max_length=2000, unique=True)
    publisher = peewee.TextField(null=True)
    publisher_url = peewee.TextField(null=True)
    title = peewee.TextField(null=True)
    rating_text = peewee.TextField(null=True)
    rating_value = peewee.FloatField(null=True)
    best_rating = peewee.FloatField(null=True)
    worst_rating = peewee.FloatField(null=True)
    review_date = peewee.CharField(max_length=40, null=True)
    language = peewee.CharField(max_length=35, null=True)
    license = peewee.TextField(null=True)
    claimant_name = peewee.TextField(null=True)
    claimant_is_person = peewee.BooleanField(default=False)
    claim_date = peewee.CharField(max_length=40, null=True)
    appearances = peewee.TextField(default="[]")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    @property
    def appearance_list(self) -> list[dict]:
        return json.loads(self.appearances)
