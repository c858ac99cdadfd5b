"""The audit trail."""
import datetime

from peewee import BigAutoField, BigIntegerField, CharField, DateTimeField, Model, SqliteDatabase, TextField
from playhouse.sqlite_ext import AutoIncrementField


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _models(db):
    Pk = AutoIncrementField if isinstance(db, SqliteDatabase) else BigAutoField

    class AuditEntry(Model):
        id = Pk()
        at = DateTimeField(default=_now)
        actor_key_id = BigIntegerField(null=True)
        actor_name = CharField(max_length=200)
        action = CharField(max_length=32)
        resource_type = CharField(max_length=16)
        resource_id = BigIntegerField()
        details = TextField(default="{}")

        class Meta:
            database = db
            legacy_table_names = False
            indexes = (
                (("at", "id"), False),
                (("resource_type", "resource_id", "at"), False),
                (("actor_key_id", "at"), False),
                (("action", "at"), False),
            )

    return [AuditEntry]


def up(migrator, db):
    db.create_tables(_models(db))


def down(migrator, db):
    db.drop_tables(_models(db))
