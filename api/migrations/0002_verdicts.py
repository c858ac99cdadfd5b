"""Verdicts with evidence, the claim's latest verdict, and idempotent POST replays."""
import datetime

from peewee import (
    BigAutoField, BigIntegerField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, SqliteDatabase,
    TextField,
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

    class ApiKey(Base):
        pass

    class Verdict(Base):
        claim = ForeignKeyField(Claim, on_delete="CASCADE", index=False)
        rating = CharField(max_length=32)
        rationale = TextField(default="")
        reviewer = ForeignKeyField(ApiKey, null=True, on_delete="SET NULL")
        reviewer_name = CharField(max_length=200)
        created_at = DateTimeField(default=_now)

        class Meta:
            indexes = ((("claim", "created_at", "id"), False), (("created_at", "id"), False))

    class Evidence(Base):
        verdict = ForeignKeyField(Verdict, on_delete="CASCADE")
        stance = CharField(max_length=16)
        source = ForeignKeyField(Source, null=True, on_delete="RESTRICT", index=False)
        start = IntegerField(null=True)
        end = IntegerField(null=True)
        exact = TextField(null=True)
        prefix = TextField(null=True)
        suffix = TextField(null=True)
        url = TextField(null=True)
        quote = TextField(null=True)

        class Meta:
            indexes = ((("source", "start"), False),)

    class IdempotentRequest(Base):
        api_key = ForeignKeyField(ApiKey, on_delete="CASCADE", index=False)
        key = CharField(max_length=255)
        method = CharField(max_length=8)
        path = TextField()
        body_sha256 = CharField(max_length=64)
        status = IntegerField(null=True)
        response_body = TextField(null=True)
        response_headers = TextField(null=True)
        created_at = DateTimeField(default=_now)

        class Meta:
            indexes = ((("api_key", "key"), True), (("created_at",), False))

    return [Verdict, Evidence, IdempotentRequest]


def up(migrator, db):
    db.create_tables(_models(db))
    migrator.migrate(migrator.add_column("claim", "latest_verdict_id", BigIntegerField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("claim", "latest_verdict_id"))
    db.drop_tables(_models(db))
