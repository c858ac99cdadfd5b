"""What the matcher stores (migrations 0008, 0009): each claim's vector and BM25 terms (also in the
database's full-text index), the terms' document frequencies, and counters."""
from __future__ import annotations

import peewee

from api.models.base import utcnow
from api.models.claim import Claim
from api.db import database


class ClaimEmbedding(peewee.Model):
    """The matching data of one claim, computed from its indexed text (api.services.matching)."""

    claim = peewee.ForeignKeyField(Claim, primary_key=True, on_delete="CASCADE", backref="embedding")
    model = peewee.CharField(max_length=80)  # encoder name and fingerprint
    text_sha256 = peewee.CharField(max_length=64)  # of the indexed text these were computed from
    vector = peewee.BlobField()  # float32 little-endian, api.matching.encoder.DIMENSIONS values, norm 1
    terms = peewee.TextField()  # the stemmed words BM25 counts, space-separated
    # When the text was read to compute these: a claim or source changed since then may be stale.
    updated_at = peewee.DateTimeField(default=utcnow)
    # matching_state.generation of the transaction that wrote the row (generations are handed out
    # in commit order: the counter's row stays locked until the writing transaction ends).
    generation = peewee.BigIntegerField(index=True)

    class Meta:
        database = database
        legacy_table_names = False


class MatchingState(peewee.Model):
    """One row (id 1): `generation` goes up with every write to claim_embedding by embed_claims."""

    id = peewee.BigIntegerField(primary_key=True)
    generation = peewee.BigIntegerField(default=0)
    # Kept by triggers on claim_embedding (migration 0009): rows, and their terms counted with repeats.
    documents = peewee.BigIntegerField(default=0)
    total_length = peewee.BigIntegerField(default=0)

    class Meta:
        database = database
        legacy_table_names = False


class MatchingTerm(peewee.Model):
    """How many claim_embedding rows hold each term (kept by triggers, migration 0009; a term no
    row holds any more stays with df 0)."""

    term = peewee.TextField(primary_key=True)
    df = peewee.BigIntegerField(default=0)

    class Meta:
        database = database
        legacy_table_names = False
