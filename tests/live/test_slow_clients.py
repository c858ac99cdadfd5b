"""Slow and idle clients cannot starve `claimtrack serve`: gevent workers hold each connection on
a greenlet, and drop one whose request headers have not arrived within the keep-alive time.
A short, bounded version of bench/slow_clients.py (which runs 200 connections for 60 s)."""
from __future__ import annotations

import socket
import time
import urllib.request

from bench.slow_clients import run


def test_healthz_and_a_claim_get_answer_within_a_second_while_100_slow_clients_trickle_headers(
        api, samples, tokens, live_server):
    claim = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"],
                                                          "exact": "The three-hour meeting"}]}).json
    result = run(live_server, connections=100, seconds=6, interval=1,
                 claim_url=f"{live_server}/v1/claims/{claim['id']}", key=tokens["reader"], probe_timeout=5)
    for name in ("healthz", "claim"):
        probes = result["probes"][name]
        assert probes["failed"] == 0 and probes["answered"] >= 10, result
        assert probes["max_s"] < 1.0, result


def test_idle_connections_that_never_send_a_byte_do_not_block_healthz(live_server):
    port = int(live_server.rsplit(":", 1)[1])
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
    try:
        started = time.monotonic()
        with urllib.request.urlopen(f"{live_server}/healthz", timeout=5) as response:
            assert response.status == 200
        assert time.monotonic() - started < 1.0
    finally:
        for sock in idle:
            sock.close()


def test_a_server_whose_database_is_down_is_live_but_not_ready(tmp_path):
    """`claimtrack serve` on a PostgreSQL nobody listens on: it starts, /healthz answers 200 at
    once, /readyz and the API answer 503 problem+json with Retry-After."""
    import json
    import os
    import subprocess
    import sys
    import urllib.error
    from pathlib import Path

    from tests.support import free_port, wait_until_answering
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/gone",
           "CLAIMTRACK_BIND": f"127.0.0.1:{port}", "CLAIMTRACK_PRELOAD_MODEL": "0", "CLAIMTRACK_WORKERS": "1"}
    process = subprocess.Popen([str(Path(sys.executable).with_name("claimtrack")), "serve"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/healthz", process, output=lambda: process.stdout.read().decode())
        started = time.monotonic()
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            assert response.status == 200 and time.monotonic() - started < 1.0
        from api.domain.ids import encode_id
        token = f"ctk_{encode_id('key', 1).split('_')[1]}_{'0' * 48}"  # well formed: looked up in the database
        for url in (f"{base}/readyz", f"{base}/v1/claims"):
            try:
                urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}),
                                       timeout=15)
                raise AssertionError(f"{url} answered 2xx with the database down")
            except urllib.error.HTTPError as error:
                assert error.code == 503 and error.headers["Retry-After"], url
                assert json.loads(error.read())["type"] == "/problems/database-unavailable"
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode()
    assert "warning: The database cannot be reached" in output
