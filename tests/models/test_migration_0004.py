"""Migration 0004 upgrades a database that holds data: its full-text documents are refolded and
people's name tokens rebuilt, so searches behave as on a new database. On every backend."""
from __future__ import annotations

from playhouse.migrations import Runner

from api.db import MIGRATIONS_DIR, database
from api.models import PersonNameToken, WebhookDelivery, WebhookEndpoint, WebhookEvent


def test_upgrading_refolds_search_documents_and_rebuilds_name_tokens(api):
    runner = Runner(database.obj, directory=str(MIGRATIONS_DIR))
    with database.connection_context():
        # Back through 0004 (later migrations first), as a database of 0003's days.
        undone = runner.down("0004_search_folding")  # and every later migration
        # Today's code writes a webhook outbox event with every source and claim: keep its tables
        # (0006 creates them only if missing when it runs again).
        database.create_tables([WebhookEndpoint, WebhookEvent, WebhookDelivery])
    assert undone[-1] == "0004_search_folding"
    try:
        text = "Jos\u00e9 Ramos said the fund\u200bing is secured."
        source = api.post("/v1/sources", json={"kind": "article", "title": "Port", "text": text}).json
        claim = api.post("/v1/claims", json={"appearances": [{"source": source["id"], "start": 0, "end": len(text)}]})
        assert claim.status_code == 201
        person = api.post("/v1/people", json={"name": "Володимир Зеленський"}).json
        with database.connection_context():
            PersonNameToken.delete().execute()  # as a database of 0003's days holds none of today's tokens
        assert api.get("/v1/claims?q=funding").json["data"] == []  # split at the zero width space
    finally:
        with database.connection_context():
            assert runner.up() == undone[::-1]
    assert len(api.get("/v1/claims?q=funding").json["data"]) == 1
    assert len(api.get("/v1/claims?q=jose").json["data"]) == 1
    assert [p["id"] for p in api.get("/v1/people?name=Zelenskyy").json["data"]] == [person["id"]]
