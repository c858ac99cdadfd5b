"""Initial schema: keys, sources, people, events, mentions, claims (+ full-text indexes).

Models here are a frozen copy, deliberately independent of api.models, so that this
migration keeps meaning what it meant when it was written.
"""
import datetime

from peewee import (
    BigAutoField, CharField, DateTimeField, FloatField, ForeignKeyField, IntegerField, Model,
    SqliteDatabase, TextField,
)
from playhouse.sqlite_ext import AutoIncrementField


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _models(db):
    # SQLite reuses the largest rowid after a delete unless the key is AUTOINCREMENT:
    # a deleted source's id must never name another one.
    Pk = AutoIncrementField if isinstance(db, SqliteDatabase) else BigAutoField

    class Base(Model):
        id = Pk()

        class Meta:
            database = db
            legacy_table_names = False

    class Versioned(Base):
        created_at = DateTimeField(default=_now)
        updated_at = DateTimeField(default=_now)
        version = IntegerField(default=1)

        class Meta:
            indexes = ((("created_at", "id"), False), (("updated_at", "id"), False))

    class ApiKey(Base):
        name = CharField(max_length=200)
        role = CharField(max_length=16)
        secret_hash = CharField(max_length=64)
        created_at = DateTimeField(default=_now)
        revoked_at = DateTimeField(null=True)

    class Source(Versioned):
        kind = CharField(max_length=32)
        title = TextField(null=True)
        url = TextField(null=True)
        publisher = TextField(null=True)
        author = TextField(null=True)
        published_at = CharField(max_length=40, null=True)
        language = CharField(max_length=35, null=True)
        text = TextField()
        text_sha256 = CharField(max_length=64, unique=True)
        length = IntegerField()
        length_utf16 = IntegerField()

        class Meta:
            indexes = ((("kind", "created_at", "id"), False), (("publisher", "created_at", "id"), False))

    class Person(Versioned):
        name = TextField()
        aliases = TextField(default="")
        description = TextField(null=True)
        wikidata_id = CharField(max_length=32, null=True)
        origin = CharField(max_length=16, default="manual")

        class Meta:
            indexes = ((("wikidata_id",), False),)

    class PersonNameToken(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        token = CharField(max_length=200)

        class Meta:
            indexes = ((("token", "person"), True),)

    class Event(Versioned):
        name = TextField()
        kind = CharField(max_length=64, null=True)
        description = TextField(null=True)
        starts_at = CharField(max_length=40, null=True)
        ends_at = CharField(max_length=40, null=True)
        location = TextField(null=True)
        origin = CharField(max_length=16, default="manual")

        class Meta:
            indexes = ((("kind", "created_at", "id"), False), (("starts_at",), False))

    class EventParticipant(Base):
        event = ForeignKeyField(Event, on_delete="CASCADE", index=False)
        person = ForeignKeyField(Person, on_delete="CASCADE", index=False)

        class Meta:
            indexes = ((("event", "person"), True), (("person", "event"), False))

    class Mention(Base):
        source = ForeignKeyField(Source, on_delete="RESTRICT", index=False)
        person = ForeignKeyField(Person, null=True, on_delete="CASCADE", index=False)
        event = ForeignKeyField(Event, null=True, on_delete="CASCADE", index=False)
        origin = CharField(max_length=16, default="manual")
        start = IntegerField()
        end = IntegerField()
        exact = TextField()
        prefix = TextField(default="")
        suffix = TextField(default="")

        class Meta:
            indexes = ((("source", "start"), False), (("person", "id"), False), (("event", "id"), False))

    class Claim(Versioned):
        text = TextField()
        claimant = ForeignKeyField(Person, null=True, on_delete="SET NULL", index=False)
        status = CharField(max_length=32, default="unreviewed")
        origin = CharField(max_length=16, default="manual")
        checkworthiness = FloatField(null=True)

        class Meta:
            indexes = (
                (("status", "created_at", "id"), False),
                (("claimant", "created_at", "id"), False),
                (("origin", "created_at", "id"), False),
            )

    class Appearance(Base):
        claim = ForeignKeyField(Claim, on_delete="CASCADE", index=False)
        source = ForeignKeyField(Source, on_delete="RESTRICT", index=False)
        start = IntegerField()
        end = IntegerField()
        exact = TextField()
        prefix = TextField(default="")
        suffix = TextField(default="")

        class Meta:
            indexes = ((("claim", "id"), False), (("source", "start"), False), (("source", "claim"), False))

    class ClaimTag(Base):
        claim = ForeignKeyField(Claim, on_delete="CASCADE", index=False)
        tag = CharField(max_length=64)

        class Meta:
            indexes = ((("claim", "tag"), True), (("tag", "claim"), False))

    class ClaimEvent(Base):
        claim = ForeignKeyField(Claim, on_delete="CASCADE", index=False)
        event = ForeignKeyField(Event, on_delete="CASCADE", index=False)

        class Meta:
            indexes = ((("claim", "event"), True), (("event", "claim"), False))

    return [ApiKey, Source, Person, PersonNameToken, Event, EventParticipant, Mention,
            Claim, Appearance, ClaimTag, ClaimEvent]


# Full-text documents: (column, expression over the row). Source text is capped because
# PostgreSQL's tsvector holds at most 1 MB.
FTS_DOCUMENTS = {
    "claim": [("text", "{row}text")],
    "person": [("name", "{row}name"), ("aliases", "{row}aliases"), ("description", "{row}description")],
    "source": [("title", "{row}title"), ("text", "substr({row}text, 1, 200000)")],
}


def _sqlite_fts(db, table, columns):
    cols = ", ".join(name for name, _ in columns)
    columns_of_row = cols
    new = ", ".join(expr.format(row="new.") for _, expr in columns)
    old = ", ".join(expr.format(row="old.") for _, expr in columns)
    db.execute_sql(
        f"CREATE VIRTUAL TABLE {table}_fts USING fts5({cols}, content='{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    delete_old = f"INSERT INTO {table}_fts({table}_fts, rowid, {cols}) VALUES ('delete', old.id, {old});"
    insert_new = f"INSERT INTO {table}_fts(rowid, {cols}) VALUES (new.id, {new});"
    db.execute_sql(f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN {insert_new} END")
    db.execute_sql(f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN {delete_old} END")
    # Only edits of indexed columns touch the index (a claim's status changes far more often).
    db.execute_sql(f"CREATE TRIGGER {table}_fts_au AFTER UPDATE OF {columns_of_row} ON {table} "
                   f"BEGIN {delete_old} {insert_new} END")


def _postgres_fts(db, table, columns):
    document = " || ' ' || ".join(f"coalesce({expr.format(row='')}, '')" for _, expr in columns)
    db.execute_sql(f"ALTER TABLE {table} ADD COLUMN search tsvector "
                   f"GENERATED ALWAYS AS (to_tsvector('simple', {document})) STORED")
    db.execute_sql(f"CREATE INDEX {table}_search ON {table} USING GIN (search)")


def up(migrator, db):
    db.create_tables(_models(db))
    add_fts = _sqlite_fts if isinstance(db, SqliteDatabase) else _postgres_fts
    for table, columns in FTS_DOCUMENTS.items():
        add_fts(db, table, columns)


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        for table in FTS_DOCUMENTS:
            db.execute_sql(f"DROP TABLE IF EXISTS {table}_fts")
    db.drop_tables(_models(db))
