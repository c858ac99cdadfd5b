"""SQLite and PostgreSQL give the same matches: the same claim ids with the same scores, because
every score is computed in our code from the same stored vectors and terms."""
from __future__ import annotations

import pytest

from api.db import database, migrate, open_database
from api.services import matching
from api.services.audit import Actor
from api.services.claims import create_claim
from api.services.sources import create_source
from tests.unit.services.test_matching_service import CHECKS, QUERIES

MORE = [
    ("Did a shark swim in Houston's streets?", "A shark swam through the flooded streets of Houston after Hurricane Harvey."),
    ("Is Finland a real country?", "Finland does not exist and was invented by Japan and Russia."),
    ("Did Einstein fail maths?", "Albert Einstein failed mathematics at school."),
]
ACTOR = Actor(key_id=None, name="unit checker")


def answers() -> dict[str, list[tuple[int, str, float]]]:
    """Store the same claims in the bound database, embed them, and match every query."""
    for title, text in CHECKS + MORE:
        source = create_source({"kind": "other", "title": title, "text": text}, actor=ACTOR).source.id
        create_claim({"appearances": [{"source": source, "start": 0, "end": len(text)}]}, actor=ACTOR)
    matching.embed_stale()
    return {query: [(found.claim.claim.id, found.claim.claim.text, found.score) for found in matching.match_text(query, limit=20)]
            for query in QUERIES}


@pytest.mark.postgres_only
def test_sqlite_and_postgresql_give_the_same_ids_and_scores(db, tmp_path):
    on_postgres = answers()
    postgres = database.obj
    sqlite = open_database(f"sqlite:///{tmp_path / 'same.db'}")
    migrate(sqlite)
    database.initialize(sqlite)
    try:
        with database.connection_context():
            on_sqlite = answers()
    finally:
        database.initialize(postgres)
    assert on_sqlite == on_postgres
    assert any(on_postgres.values())
