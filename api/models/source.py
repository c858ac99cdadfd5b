from __future__ import annotations

import peewee

from api.domain.vocabulary import DEFAULT_SOURCE_KIND
from api.models.base import Versioned


class Source(Versioned):
    """A stored document. Its text never changes once stored; metadata may."""

    kind = peewee.CharField(max_length=32, default=DEFAULT_SOURCE_KIND)
    title = peewee.TextField(null=True)
    url = peewee.TextField(null=True)
    publisher = peewee.TextField(null=True)
    author = peewee.TextField(null=True)
    published_at = peewee.CharField(max_length=40, null=True)
    language = peewee.CharField(max_length=35, null=True)
    text = peewee.TextField()
    text_sha256 = peewee.CharField(max_length=64, unique=True)
    length = peewee.IntegerField()
    # Differs from length only when the text has non-BMP characters (emoji): then, and
    # only then, utf16 offsets need the text to convert.
    length_utf16 = peewee.IntegerField()
