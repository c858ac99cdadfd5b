"""Slow and idle clients cannot starve `claimtrack serve`: gevent workers hold each connection on
a greenlet, and drop one whose request headers have not arrived within the keep-alive time.
A short, bounded version of bench/slow_clients.py (which runs 200 connections for 60 s)."""
from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.domain.ids import encode_id
from bench.slow_clients import run
from tests.support import free_port, sample_text, serving


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
    token = f"ctk_{encode_id('key', 1).split('_')[1]}_{'0' * 48}"  # well formed: looked up in the database
    with serving(f"postgresql://postgres@127.0.0.1:{free_port()}/gone", tmp_path / "server.log", workers=1,
                 ready="/healthz") as base:
        started = time.monotonic()
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            assert response.status == 200 and time.monotonic() - started < 1.0
        for url in (f"{base}/readyz", f"{base}/v1/claims"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}),
                                       timeout=15)
            assert refused.value.code == 503 and refused.value.headers["Retry-After"], url
            assert json.loads(refused.value.read())["type"] == "/problems/database-unavailable"
    assert "warning: The database cannot be reached" in (tmp_path / "server.log").read_text()


def test_healthz_answers_within_a_second_while_the_only_worker_waits_for_an_extraction(api, database_url, tmp_path):
    """The request worker runs no NLP: it waits (Prefer: wait) while the consumer process beside
    it extracts, and its event loop keeps serving /healthz meanwhile."""
    paragraph = sample_text("001_87f9c890ea636cff.txt")
    text = "\n\n".join(f"{paragraph}\n(Part {n}.)" for n in range(1, 60))[:60_000]
    source = api.post("/v1/sources", json={"title": "long", "text": text}).json
    with serving(database_url, tmp_path / "server.log", workers=1, CLAIMTRACK_PREFER_WAIT_MAX_SECONDS="300") as base:
        request = urllib.request.Request(f"{base}/v1/sources/{source['id']}/extraction", data=b"",
                                         headers={"Authorization": f"Bearer {api.tokens['checker']}",
                                                  "Prefer": "wait=300"})
        with ThreadPoolExecutor(1) as pool:
            extraction = pool.submit(lambda: urllib.request.urlopen(request, timeout=120).status)
            time.sleep(0.5)
            latencies = []
            while not extraction.done():
                started = time.monotonic()
                urllib.request.urlopen(f"{base}/healthz", timeout=10).close()
                latencies.append(time.monotonic() - started)
                time.sleep(0.2)
        assert extraction.result() == 200
    assert len(latencies) >= 3 and max(latencies) < 1.0, latencies
