"""Webhooks: endpoints, the outbox of events, and deliveries (README, Webhooks)."""
import datetime

from peewee import (
    BigAutoField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, SqliteDatabase,
    TextField,
)
from playhouse.sqlite_ext import AutoIncrementField


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _models(db):
    # AUTOINCREMENT on SQLite: an event's id is its webhook-id, which must never be given out twice.
    Pk = AutoIncrementField if isinstance(db, SqliteDatabase) else BigAutoField

    class Base(Model):
        id = Pk()

        class Meta:
            database = db
            legacy_table_names = False

    class WebhookEndpoint(Base):
        url = TextField()
        description = TextField(default="")
        event_types = TextField()
        secret = CharField(max_length=64)
        enabled = BooleanField(default=True)
        failing_reason = TextField(null=True)
        failing_since = DateTimeField(null=True)
        created_at = DateTimeField(default=_now)
        updated_at = DateTimeField(default=_now)
        version = IntegerField(default=1)

    class WebhookEvent(Base):
        type = CharField(max_length=64)
        body = TextField()
        created_at = DateTimeField(default=_now)
        relayed_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("relayed_at", "id"), False),)

    class WebhookDelivery(Base):
        endpoint = ForeignKeyField(WebhookEndpoint, on_delete="CASCADE", index=False)
        event = ForeignKeyField(WebhookEvent, on_delete="CASCADE")
        status = CharField(max_length=16)
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(null=True)
        lease_until = DateTimeField(null=True)
        last_attempt_at = DateTimeField(null=True)
        last_status_code = IntegerField(null=True)
        last_error = TextField(null=True)
        delivered_at = DateTimeField(null=True)
        created_at = DateTimeField(default=_now)

        class Meta:
            indexes = (
                (("endpoint", "event"), True),  # one delivery of an event per endpoint
                (("endpoint", "id"), False),  # the delivery log, newest first
                (("status", "next_attempt_at"), False),  # the sweep of overdue deliveries
            )

    return [WebhookEndpoint, WebhookEvent, WebhookDelivery]


def up(migrator, db):
    db.create_tables(_models(db))


def down(migrator, db):
    db.drop_tables(list(reversed(_models(db))))
