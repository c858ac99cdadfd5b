"""Matching (issue 16): each claim's sentence vector and BM25 terms, stored, plus one counter.

`claim_embedding` holds, per claim, what the matcher needs to find it: the unit vector of its
indexed text (title of its first source + text, api.matching.text.prepare_claim) as float32
bytes, the stemmed words BM25 counts, the model that made them and the sha256 of the text they
were computed from (a claim whose text or title changed is re-embedded). `matching_state` holds
one row whose `generation` goes up with every write to `claim_embedding`, and each row written
carries the generation it was written at: a process compares the counter with the generation its
in-memory index has seen (one primary-key read per query) and then reads only the newer rows.

Models here are a frozen copy, independent of api.models.
"""
import datetime

from peewee import BigIntegerField, BlobField, CharField, DateTimeField, ForeignKeyField, Model, TextField


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _models(db):
    class Claim(Model):  # reference only: the table exists
        id = BigIntegerField(primary_key=True)

        class Meta:
            database = db
            legacy_table_names = False

    class ClaimEmbedding(Model):
        claim = ForeignKeyField(Claim, primary_key=True, on_delete="CASCADE")
        model = CharField(max_length=80)
        text_sha256 = CharField(max_length=64)
        vector = BlobField()
        terms = TextField()
        updated_at = DateTimeField(default=_now)
        generation = BigIntegerField(index=True)

        class Meta:
            database = db
            legacy_table_names = False

    class MatchingState(Model):
        id = BigIntegerField(primary_key=True)
        generation = BigIntegerField(default=0)

        class Meta:
            database = db
            legacy_table_names = False

    return Claim, ClaimEmbedding, MatchingState


def up(migrator, db):
    _, embedding, state = _models(db)
    db.create_tables([embedding, state])
    state.insert(id=1, generation=0).execute()


def down(migrator, db):
    _, embedding, state = _models(db)
    db.drop_tables([embedding, state])
