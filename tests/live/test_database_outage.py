"""PostgreSQL restarted under a running API: 503 problem+json while it is down, then recovery
without restarting the API, from the first request. (SQLite has no server to lose: this runs on PostgreSQL.)"""
from __future__ import annotations

import subprocess
import urllib.error
import urllib.request

import peewee
import pytest

from api.db import database


def get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers.get("Content-Type")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type")


def cluster():
    return subprocess.run(["bash", "-c", "ls /etc/postgresql"], capture_output=True, text=True).stdout.split()[0]


@pytest.mark.postgres_only
def test_the_api_answers_503_while_postgresql_is_down_and_recovers_by_itself(app, tokens, live_server):
    assert isinstance(database.obj, peewee.PostgresqlDatabase)
    url = f"{live_server}/v1/claims"
    assert {get(url, tokens["reader"])[0] for _ in range(8)} == {200}  # every worker holds a connection
    version = cluster()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop", "-m", "fast"], check=True)
    try:
        down = [get(url, tokens["reader"]) for _ in range(6)]
        assert {status for status, _ in down} == {503}, down
        assert all(kind == "application/problem+json" for _, kind in down)
    finally:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
        database.obj.close_all()  # this test process's pooled connections died with the server
    # pg_ctlcluster start returns once the server accepts connections. Every worker's pooled
    # connection died with the old server; the pool notices at checkout, so none answers 503.
    assert {get(url, tokens["reader"])[0] for _ in range(12)} == {200}
