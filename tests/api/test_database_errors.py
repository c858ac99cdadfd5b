"""Only a database that cannot be reached answers 503 (retry later); a statement the database
refuses is our fault, never "unavailable", or clients would retry it forever."""
from __future__ import annotations

import sqlite3

import peewee
import pytest

from api.errors import database_unavailable
from tests.support import free_port


def _error(db: peewee.Database, sql: str) -> peewee.PeeweeException:
    with pytest.raises(peewee.PeeweeException) as caught:
        db.execute_sql(sql)
    return caught.value


def test_sqlite_statement_too_deep_is_not_unavailability(tmp_path):
    db = peewee.SqliteDatabase(str(tmp_path / "x.db"))
    assert not database_unavailable(_error(db, "SELECT " + "(" * 2000 + "1" + ")" * 2000))


def test_sqlite_lock_held_past_the_busy_timeout_is_unavailability(tmp_path):
    path = str(tmp_path / "x.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    db = peewee.SqliteDatabase(path, pragmas={"busy_timeout": 10})
    try:
        assert database_unavailable(_error(db, "INSERT INTO t VALUES (1)"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_postgres_server_not_listening_is_unavailability():
    db = peewee.PostgresqlDatabase("claimtrack", host="127.0.0.1", port=free_port(), user="nobody")
    with pytest.raises(peewee.PeeweeException) as caught:
        db.connect()
    assert database_unavailable(caught.value)


@pytest.mark.postgres_only
def test_postgres_statement_too_complex_is_not_unavailability(app, database_url):
    from api.db import database
    with database.connection_context():
        error = _error(database, "SELECT " + "(" * 20000 + "1" + ")" * 20000)
    assert not database_unavailable(error)
