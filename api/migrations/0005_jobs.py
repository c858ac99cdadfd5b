"""Background jobs (api/models/job.py): one row per job; the queue (huey) carries only its id."""
import datetime

from peewee import BigAutoField, BigIntegerField, CharField, DateTimeField, IntegerField, Model, TextField


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _models(db):
    class Job(Model):
        id = BigAutoField()
        kind = CharField(max_length=64)
        status = CharField(max_length=16, default="queued")
        params = TextField(default="{}")
        progress_done = IntegerField(default=0)
        progress_total = IntegerField(null=True)
        result = TextField(null=True)
        error = TextField(null=True)
        attempts = IntegerField(default=0)
        max_attempts = IntegerField(default=3)
        actor_key_id = BigIntegerField(null=True)
        actor_name = CharField(max_length=200)
        actor_role = CharField(max_length=16, null=True)
        created_at = DateTimeField(default=_now)
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        updated_at = DateTimeField(default=_now)
        lease_until = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            indexes = (
                (("created_at", "id"), False),           # GET /v1/jobs pages
                (("actor_key_id", "created_at"), False),  # a key's own jobs
                (("status", "lease_until"), False),       # recovery: running jobs whose lease expired
            )

    return [Job]


def up(migrator, db):
    db.create_tables(_models(db))


def down(migrator, db):
    db.drop_tables(_models(db))
