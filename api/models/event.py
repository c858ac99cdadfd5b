from __future__ import annotations

import peewee

from api.domain.vocabulary import MANUAL

from api.models.base import BaseModel, Versioned
from api.models.person import Person


class Event(Versioned):
    name = peewee.TextField()
    kind = peewee.CharField(max_length=64, null=True)
    description = peewee.TextField(null=True)
    starts_at = peewee.CharField(max_length=40, null=True)
    ends_at = peewee.CharField(max_length=40, null=True)
    location = peewee.TextField(null=True)
    origin = peewee.CharField(max_length=16, default=MANUAL)


class EventParticipant(BaseModel):
    event = peewee.ForeignKeyField(Event, on_delete="CASCADE", backref="participant_links")
    person = peewee.ForeignKeyField(Person, on_delete="CASCADE", backref="event_links")

    class Meta:
        indexes = ((("event", "person"), True), (("person", "event"), False))
