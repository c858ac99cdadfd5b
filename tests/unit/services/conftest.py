"""Services are called with plain values, no HTTP: a real database (SQLite, and PostgreSQL when
configured), emptied for each test, and an open connection."""
from __future__ import annotations

import pytest

from api.db import database
from api.services.audit import Actor


@pytest.fixture
def db(app):
    with database.connection_context():
        yield database


@pytest.fixture
def checker() -> Actor:
    return Actor(key_id=None, name="unit checker")
