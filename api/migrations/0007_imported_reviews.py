"""Fact-checks imported from other desks (ClaimReview feeds, Fact Check Tools): one row per
review, unique by the review's URL, tied to the claim it became and the source anchoring it."""
import datetime

from peewee import (
    BigAutoField, BooleanField, CharField, DateTimeField, FloatField, ForeignKeyField, Model, SqliteDatabase, TextField,
)
from playhouse.sqlite_ext import AutoIncrementField


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _models(db):
    Pk = AutoIncrementField if isinstance(db, SqliteDatabase) else BigAutoField

    class Base(Model):
        id = Pk()

        class Meta:
            database = db
            legacy_table_names = False

    class Claim(Base):  # reference only: the table exists
        pass

    class Source(Base):
        pass

    class ImportedReview(Base):
        claim = ForeignKeyField(Claim, on_delete="CASCADE")
        source = ForeignKeyField(Source, on_delete="RESTRICT")
        review_url = CharField(max_length=2000, unique=True)
        publisher = TextField(null=True)
        publisher_url = TextField(null=True)
        title = TextField(null=True)
        rating_text = TextField(null=True)
        rating_value = FloatField(null=True)
        best_rating = FloatField(null=True)
        worst_rating = FloatField(null=True)
        review_date = CharField(max_length=40, null=True)
        language = CharField(max_length=35, null=True)
        license = TextField(null=True)
        claimant_name = TextField(null=True)
        claimant_is_person = BooleanField(default=False)
        claim_date = CharField(max_length=40, null=True)
        appearances = TextField(default="[]")  # JSON: [{"url", "date", "headline"}]
        created_at = DateTimeField(default=_now)
        updated_at = DateTimeField(default=_now)

    return [ImportedReview]


def up(migrator, db):
    db.create_tables(_models(db))


def down(migrator, db):
    db.drop_tables(_models(db))
