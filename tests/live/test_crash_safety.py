"""The API killed with SIGKILL in the middle of writes: after a restart the database is intact
and every write a client saw acknowledged is there."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import peewee

from api.db import database
from api.domain.ids import encode_id
from api.models import Verdict
from tests.support import free_port


def start(database_url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "CLAIMTRACK_WORKERS": "3", "CLAIMTRACK_PRELOAD_MODEL": "0",
           "CLAIMTRACK_BIND": f"127.0.0.1:{port}", "CLAIMTRACK_RATE_LIMIT_PER_MINUTE": "0"}
    process = subprocess.Popen([str(Path(sys.executable).with_name("claimtrack")), "serve"], env=env,
                               stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2).close()
            return process
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)


def post_verdict(url: str, token: str, n: int):
    request = urllib.request.Request(url, data=json.dumps({"rating": "unverifiable", "rationale": f"#{n}"}).encode(),
                                     method="POST", headers={"Content-Type": "application/json",
                                                             "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())["id"]
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return None, None


def test_sigkill_during_writes_loses_no_acknowledged_write(api, samples, tokens, database_url, tmp_path):
    claim = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": "The three-hour meeting"}]}).json
    port = free_port()
    server = start(database_url, port, tmp_path / "server.log")
    url = f"http://127.0.0.1:{port}/v1/claims/{claim['id']}/verdicts"
    acknowledged, stop = [], threading.Event()

    def writer(offset):
        n = offset
        while not stop.is_set():
            status, verdict_id = post_verdict(url, tokens["checker"], n)
            if status == 201:
                acknowledged.append(verdict_id)
            n += 10

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    os.killpg(server.pid, signal.SIGKILL)  # master and workers, mid-write
    server.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=20)
    assert len(acknowledged) > 10

    restarted = start(database_url, port, tmp_path / "server.log")
    try:
        with database.connection_context():
            if not isinstance(database.obj, peewee.PostgresqlDatabase):
                assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = {encode_id("verdict", v.id) for v in Verdict.select(Verdict.id)}
        assert set(acknowledged) <= stored
        history = api.get(f"/v1/claims/{claim['id']}/verdicts?limit=1").json["data"]
        assert api.get(f"/v1/claims/{claim['id']}").json["latest_verdict"]["id"] == history[0]["id"]
        status, _ = post_verdict(url, tokens["checker"], -1)
        assert status == 201  # and the restarted API takes writes again
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(timeout=20)
