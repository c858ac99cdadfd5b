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
