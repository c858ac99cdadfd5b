"""Operations: liveness never needs the database, readiness says when to run init-db, extraction
is capped per process, and the last admin key cannot be revoked."""
from __future__ import annotations

import pytest

from api.app import create_app
from api.config import Config
from api.db import database


@pytest.fixture
def other_app(app):
    """Build apps on other databases; the proxy goes back to the suite's database afterwards."""
    suite_db = database.obj

    def build(url: str):
        return create_app(Config(database_url=url, rate_limit_per_minute=0)).test_client()
    yield build
    database.obj.close_all()
    database.initialize(suite_db)


def test_healthz_answers_200_while_the_database_is_unreachable_and_readyz_503(other_app):
    client = other_app("postgresql://postgres@127.0.0.1:1/nowhere")
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["type"] == "/problems/database-unavailable"
    assert ready.headers["Retry-After"] == "5"


def test_readyz_on_a_database_without_the_schema_says_to_run_init_db(other_app, tmp_path):
    ready = other_app(f"sqlite:///{tmp_path / 'empty.db'}").get("/readyz")
    assert ready.status_code == 503 and ready.json["type"] == "/problems/schema-not-ready"
    assert "has no schema" in ready.json["detail"] and "claimtrack init-db" in ready.json["detail"]


def test_readyz_on_a_schema_behind_the_code_names_the_pending_migration(other_app, tmp_path):
    from api.db import migrate
    client = other_app(f"sqlite:///{tmp_path / 'behind.db'}")
    migrate()
    with database.connection_context():
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0003_audit'")
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "behind the code" in ready.json["detail"] and "0003_audit" in ready.json["detail"]
    assert "claimtrack init-db" in ready.json["detail"]


def test_readyz_is_200_on_a_migrated_database(api):
    assert api.get("/readyz", role=None).json == {"status": "ready"}


def test_the_last_active_admin_key_cannot_be_revoked(api):
    admin_id = next(k["id"] for k in api.get("/v1/keys", role="admin").json if k["role"] == "admin")
    refused = api.delete(f"/v1/keys/{admin_id}", role="admin")
    assert refused.status_code == 409 and refused.json["type"] == "/problems/last-admin-key"
    second = api.post("/v1/keys", json={"name": "second admin", "role": "admin"}, role="admin").json
    assert api.delete(f"/v1/keys/{admin_id}", role="admin").status_code == 204
    assert api.delete(f"/v1/keys/{second['id']}", role=None,
                      headers={"Authorization": f"Bearer {second['key']}"}).status_code == 409


def _chunked(api, url: str, body: bytes):
    """POST `body` as gunicorn hands over a chunked request: no Content-Length, the stream ends itself."""
    import io
    return api.post(url, input_stream=io.BytesIO(body), content_type="application/json",
                    headers={"Transfer-Encoding": "chunked"},
                    environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""})


def test_a_chunked_body_over_the_limit_is_413_stating_the_limit(api):
    limit = api.client.application.config["MAX_CONTENT_LENGTH"]
    response = _chunked(api, "/v1/sources", b'{"title": "big", "text": "' + b"a" * limit + b'"}')
    assert response.status_code == 413 and response.json["type"] == "/problems/body-too-large"
    assert response.json["detail"] == f"The request body is over the limit of {limit:,} bytes."
    assert response.json["limit_bytes"] == limit


def test_a_chunked_body_under_the_limit_is_read_whole(api):
    response = _chunked(api, "/v1/sources", b'{"title": "small", "text": "The minister resigned on Monday."}')
    assert response.status_code == 201 and response.json["text"] == "The minister resigned on Monday."


def test_a_host_outside_the_allowed_hosts_is_refused_and_never_reflected(api, samples):
    refused = api.get("/v1/sources?limit=1", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and "evil.example" in refused.json["detail"]
    assert refused.json["type"] == "/problems/untrusted-host"
    allowed = api.get("/v1/sources?limit=1", headers={"Host": "127.0.0.1:8000"})
    assert allowed.headers["Link"].startswith("<http://127.0.0.1:8000/v1/sources?")


def test_with_a_public_url_links_use_it_whatever_the_host_header(other_app, database_url, tokens, samples):
    from api.app import create_app
    client = create_app(Config(database_url=database_url, rate_limit_per_minute=0, auth_failures_per_minute=0,
                               public_url="https://claims.example.org")).test_client()
    page = client.get("/v1/sources?limit=1", headers={"Host": "evil.example",
                                                      "Authorization": f"Bearer {tokens['reader']}"})
    assert page.status_code == 200
    assert page.headers["Link"].startswith("<https://claims.example.org/v1/sources?limit=1&cursor=")
