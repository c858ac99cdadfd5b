from __future__ import annotations

import peewee

from api.domain.vocabulary import MANUAL

from api.models.base import BaseModel, Versioned


class Person(Versioned):
    name = peewee.TextField()
    aliases = peewee.TextField(default="")  # newline-separated, in the order given
    description = peewee.TextField(null=True)
    wikidata_id = peewee.CharField(max_length=32, null=True)
    origin = peewee.CharField(max_length=16, default=MANUAL)

    @property
    def alias_list(self) -> list[str]:
        return [alias for alias in self.aliases.split("\n") if alias]


class PersonNameToken(BaseModel):
    """Folded words of a person's name and aliases, for case- and accent-insensitive lookup."""

    person = peewee.ForeignKeyField(Person, on_delete="CASCADE", backref="name_tokens")
    token = peewee.CharField(max_length=200)

    class Meta:
        indexes = ((("token", "person"), True),)

