"""`claimtrack serve` with the embedded queue is one command: a consumer process beside gunicorn,
started and restarted by it. The request workers never load the NLP model (spaCy, onnxruntime):
the consumer does, and everything exits cleanly on SIGTERM."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support import child_pids, free_port, sample_text, wait_until_answering


def cmdline(pid: int) -> str:
    return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()


def loads_onnxruntime(pid: int) -> bool:
    return "onnxruntime" in (Path("/proc") / str(pid) / "maps").read_text()


def post(url: str, token: str, body: dict | None, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else b"", method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                                              **(headers or {})})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, json.loads(response.read())


def test_serve_runs_jobs_in_its_own_consumer_process_and_request_workers_never_load_the_model(
        api, tokens, database_url, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "CLAIMTRACK_WORKERS": "2", "CLAIMTRACK_BIND": f"127.0.0.1:{port}",
           "CLAIMTRACK_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}", "CLAIMTRACK_RATE_LIMIT_PER_MINUTE": "0"}
    log = tmp_path / "serve.log"
    with open(log, "wb") as output:
        serve = subprocess.Popen([str(Path(sys.executable).with_name("claimtrack")), "serve"], env=env,
                                 stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/readyz", serve, timeout=60, output=log.read_text)
        status, source = post(f"{base}/v1/sources", tokens["checker"],
                              {"title": "t", "text": sample_text("001_87f9c890ea636cff.txt"), "extract": True},
                              {"Prefer": "wait=60"})
        assert status == 201 and source["job"]["status"] == "succeeded" and source["extraction"]["claims"]

        web, = [pid for pid in child_pids(serve.pid) if "serve --no-worker" in cmdline(pid)]
        consumer, = [pid for pid in child_pids(serve.pid) if " worker " in cmdline(pid) + " "]
        request_workers = child_pids(web)
        assert len(request_workers) == 2
        assert loads_onnxruntime(consumer)
        assert not any(loads_onnxruntime(pid) for pid in [web, *request_workers])

        # A consumer that dies is started again, and jobs keep being run.
        os.kill(consumer, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not [pid for pid in child_pids(serve.pid) if " worker " in cmdline(pid) + " " and pid != consumer]:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        status, result = post(f"{base}/v1/sources/{source['id']}/extraction", tokens["checker"], None,
                              {"Prefer": "wait=60"})
        assert status == 200 and result["claims"] == []  # nothing twice
    finally:
        serve.terminate()
        code = serve.wait(timeout=60)
    assert code == 0, log.read_text()[-3000:]
    assert "Traceback" not in log.read_text()


def test_ctrl_c_stops_serve_its_request_workers_and_its_consumer_without_a_traceback(api, database_url, tmp_path):
    # Ctrl-C in a terminal sends SIGINT to every process of the foreground group: the supervisor,
    # gunicorn's master, its gevent workers and the consumer all receive it at once.
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "CLAIMTRACK_WORKERS": "2", "CLAIMTRACK_BIND": f"127.0.0.1:{port}",
           "CLAIMTRACK_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}"}
    log = tmp_path / "serve.log"
    with open(log, "wb") as output:
        serve = subprocess.Popen([str(Path(sys.executable).with_name("claimtrack")), "serve"], env=env,
                                 stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/readyz", serve, timeout=60, output=log.read_text)
        group = child_pids(serve.pid)
        os.killpg(serve.pid, signal.SIGINT)
        code = serve.wait(timeout=60)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
    assert code == 0, log.read_text()[-3000:]
    assert "Traceback" not in log.read_text()
    assert not [pid for pid in group if Path(f"/proc/{pid}").exists()]
