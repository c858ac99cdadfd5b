"""Keys under gunicorn: revocation reaches every worker at once; secrets never reach the logs."""
from __future__ import annotations

import urllib.error
import urllib.request


def status(url, token, method="GET"):
    request = urllib.request.Request(url, method=method, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_revoked_key_is_refused_by_every_worker_on_the_next_request(api, live_server):
    created = api.post("/v1/keys", json={"name": "laptop", "role": "reader"}, role="admin").json
    url = f"{live_server}/v1/claims"
    assert {status(url, created["key"]) for _ in range(20)} == {200}  # spread over the 4 workers
    assert api.delete(f"/v1/keys/{created['id']}", role="admin").status_code == 204
    assert {status(url, created["key"]) for _ in range(20)} == {401}


def test_a_key_revoked_through_one_worker_is_refused_by_every_worker_on_the_next_request(api, tokens, live_server):
    created = api.post("/v1/keys", json={"name": "phone", "role": "reader"}, role="admin").json
    url = f"{live_server}/v1/claims"
    # Every worker has proved the key (and keeps it) before the revocation.
    assert {status(url, created["key"]) for _ in range(20)} == {200}
    assert status(f"{live_server}/v1/keys/{created['id']}", tokens["admin"], method="DELETE") == 204
    assert {status(url, created["key"]) for _ in range(20)} == {401}


def test_keys_never_appear_in_the_server_log(api, tokens, live_server, tmp_path):
    for token in tokens.values():
        status(f"{live_server}/v1/claims", token)
        status(f"{live_server}/v1/claims?q=x", token + "tampered")
    log = (tmp_path / "server.log").read_text()
    assert "GET /v1/claims" in log  # the access log is on, and read
    for token in tokens.values():
        assert token.split("_")[2] not in log
