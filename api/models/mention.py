from __future__ import annotations

import peewee

from api.domain.vocabulary import MANUAL

from api.models.base import SpanFields
from api.models.event import Event
from api.models.person import Person
from api.models.source import Source


class Mention(SpanFields):
    """A span of a source naming a person or an event (exactly one of the two)."""

    source = peewee.ForeignKeyField(Source, on_delete="RESTRICT", backref="mentions")
    person = peewee.ForeignKeyField(Person, null=True, on_delete="CASCADE", backref="mentions")
    event = peewee.ForeignKeyField(Event, null=True, on_delete="CASCADE", backref="mentions")
    origin = peewee.CharField(max_length=16, default=MANUAL)
