"""The compose set-up's nginx (deploy/nginx.conf, as shipped but for the upstream's address) in
front of a live `claimtrack serve`: slow clients are held by the proxy, bodies over nginx's own
limit still get problem+json stating the limit."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

from bench.slow_clients import run
from tests.support import ROOT, free_port, wait_until_answering

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


@pytest.fixture
def proxy(live_server, tmp_path):
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's nginx (.ci/run installs it)")
        pytest.skip("nginx is not installed here (apt-get install nginx-light); CI runs this test")
    port = free_port()
    upstream = live_server.removeprefix("http://")
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "server api:8000;" in conf and "listen 8000;" in conf
    conf = conf.replace("server api:8000;", f"server {upstream};").replace("listen 8000;", f"listen 127.0.0.1:{port};")
    (tmp_path / "nginx.conf").write_text(conf, encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr",
                                "-g", f"daemon off; pid {tmp_path / 'nginx.pid'};"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    wait_until_answering(f"{base}/healthz", process, timeout=10, output=lambda: process.stderr.read().decode())
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_healthz_and_a_claim_get_through_the_proxy_answer_within_a_second_under_100_slow_clients(
        api, samples, tokens, proxy):
    claim = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"],
                                                          "exact": "The three-hour meeting"}]}).json
    result = run(proxy, connections=100, seconds=5, interval=1, claim_url=f"{proxy}/v1/claims/{claim['id']}",
                 key=tokens["reader"], probe_timeout=5)
    for name in ("healthz", "claim"):
        assert result["probes"][name]["failed"] == 0 and result["probes"][name]["max_s"] < 1.0, result


def test_a_body_over_the_proxys_limit_is_a_problem_stating_the_limit(proxy, tokens):
    request = urllib.request.Request(f"{proxy}/v1/sources", data=b"x" * (5 * 1024 * 1024), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {tokens['checker']}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 413
    assert refused.value.headers["Content-Type"].startswith("application/problem+json")
    body = json.loads(refused.value.read())
    assert body["type"] == "/problems/body-too-large" and "2,097,152 bytes" in body["detail"]
