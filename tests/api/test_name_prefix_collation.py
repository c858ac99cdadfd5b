"""The name search's prefix range (api.domain.text.prefix_upper_bound) under a database whose
collation is not C's: the suite's PostgreSQL database is C.UTF-8, production ones are often
en_US. This one is created with ICU's en-US (PostgreSQL's own ICU collations: glibc's en_US.utf8
is not generated on these machines), under which a bound like prefix + '~' misses longer names."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from api.app import create_app
from api.db import database, migrate
from api.services.keys import create_key
from tests.support import ApiClient

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def en_us_api(app, database_url, tmp_path):
    """An ApiClient on a second app over a fresh, migrated PostgreSQL database collated by ICU's
    en-US (dropped afterwards); the proxy goes back to the suite's database."""
    parts = urlsplit(database_url)
    name = f"{parts.path.lstrip('/')}_en_us"
    url = urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' "
                      "LOCALE 'C.UTF-8'")
    other = create_app(app.config["CLAIMTRACK"].with_(database_url=url, queue_url=f"sqlite:///{tmp_path / 'queue.db'}"))
    try:
        migrate()
        with database.connection_context():
            collation = database.execute_sql(
                "SELECT datlocprovider, daticulocale FROM pg_database WHERE datname = current_database()").fetchone()
            assert collation == ("i", "en-US")
            # Not C's order: '~' sorts before letters, so 'zelensky~' is no upper bound of 'zelenskyy…'.
            assert database.execute_sql("SELECT 'zelenskyy' < 'zelensky~'").fetchone()[0] is False
            tokens = {"checker": create_key("en-US checker", "checker").token}
        yield ApiClient(other, tokens)
    finally:
        other.extensions["claimtrack_db"].close_all()
        database.initialize(app.extensions["claimtrack_db"])
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_name_prefix_finds_the_longer_names_under_an_en_us_collation(en_us_api):
    zelenskyy = en_us_api.post("/v1/people", json={"name": "Volodymyr Zelenskyy", "aliases": ["Zelenskiy"]}).json
    truss = en_us_api.post("/v1/people", json={"name": "Liz Truss"}).json
    found = {prefix: [p["id"] for p in en_us_api.get(f"/v1/people?name={prefix}").json["data"]]
             for prefix in ("zelensk", "zelensky", "zelenskyy", "volodym", "z", "liz", "liz tru", "zelenskz")}
    assert found == {"zelensk": [zelenskyy["id"]], "zelensky": [zelenskyy["id"]], "zelenskyy": [zelenskyy["id"]],
                     "volodym": [zelenskyy["id"]], "z": [zelenskyy["id"]], "liz": [truss["id"]],
                     "liz tru": [truss["id"]], "zelenskz": []}
