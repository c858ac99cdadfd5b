"""PostgreSQL restarted under a running, loaded API: 503 problem+json while it is down, then
recovery without restarting the API, from the first request; no acknowledged write is lost.
(SQLite has no server to lose: this runs on PostgreSQL.)"""
from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.error
import urllib.request

import peewee
import pytest

from api.db import database
from api.domain.ids import encode_id
from api.models import Verdict


def call(url, token, body=None):
    """(status, content type, parsed body) of one request; status None if the connection failed."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers.get("Content-Type"), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), json.loads(error.read() or b"{}")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None, None, None


def cluster(action):
    version = subprocess.run(["bash", "-c", "ls /etc/postgresql"], capture_output=True, text=True).stdout.split()[0]
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    if action == "stop":
        # pg_ctl waits 60 s by default; a shared server's shutdown checkpoint can take longer.
        subprocess.run([*command, "-m", "fast", "--", "-t", "300"], check=True)
        return
    # A stop that timed out may still be finishing its shutdown checkpoint: start once it has.
    deadline = time.monotonic() + 180
    while subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode != 0:
        assert time.monotonic() < deadline, "PostgreSQL did not come back"
        subprocess.run(command, capture_output=True)
        time.sleep(1)


@pytest.mark.postgres_only
def test_the_api_answers_503_while_postgresql_restarts_under_load_and_recovers_by_itself(api, samples, tokens,
                                                                                         live_server):
    assert isinstance(database.obj, peewee.PostgresqlDatabase)
    claim = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": "The three-hour meeting"}]}).json
    reads, writes = f"{live_server}/v1/claims", f"{live_server}/v1/claims/{claim['id']}/verdicts"
    assert {call(reads, tokens["reader"])[0] for _ in range(8)} == {200}  # every worker holds a connection
    answers, acknowledged, stop = [], [], threading.Event()

    def load(n):
        i = 0
        while not stop.is_set():
            i += 1
            if n % 2:
                status, kind, body = call(writes, tokens["checker"], {"rating": "unverifiable", "rationale": f"{n}.{i}"})
                if status == 201:
                    acknowledged.append(body["id"])
            else:
                status, kind, body = call(reads, tokens["reader"])
            answers.append((status, kind))

    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        try:
            cluster("stop")  # inside: a stop that times out (a slow shutdown checkpoint) still gets its start
            down_from = len(answers)
            time.sleep(1.5)
            down = answers[down_from:]
        finally:
            cluster("start")
            database.obj.close_all()  # this test process's pooled connections died with the server
        time.sleep(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    # While it was down: 503 problem+json, never a 500 or a dropped connection.
    assert down and {status for status, _ in down} == {503}, set(down)
    assert all(kind == "application/problem+json" for _, kind in down)
    assert {status for status, _ in answers} <= {200, 201, 503}, {s for s, _ in answers}
    # pg_ctlcluster start returns once the server accepts connections. Every worker's pooled
    # connection died with the old server; the pool notices at checkout, so none answers 503.
    assert {call(reads, tokens["reader"])[0] for _ in range(12)} == {200}
    with database.connection_context():
        stored = {encode_id("verdict", v.id) for v in Verdict.select(Verdict.id)}
    assert acknowledged and set(acknowledged) <= stored
