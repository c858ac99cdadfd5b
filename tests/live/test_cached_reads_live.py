"""Cached reads answered before Flask (api.cached_reads) under gunicorn's 4 workers: byte for byte,
headers included, what Flask's path answers (`?offsets=codepoints` asks for the same
representation and always goes through Flask), a change read on the next request by every worker,
and a revoked key refused by every worker on its next request."""
from __future__ import annotations

import http.client
import urllib.parse

import pytest

READS = 20  # spread over the server's 4 workers


def get(base, path, headers):
    """(status, headers as sent but Date, body)."""
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, [(n, v) for n, v in response.getheaders() if n.lower() != "date"], response.read()
    finally:
        connection.close()


@pytest.fixture
def paths(api, samples, live_server):
    claim, _ = (api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": text}]}).json
                for text in ("We had an extremely productive meeting", "productive meeting"))
    return {"claim": f"/v1/claims/{claim['id']}", "annotations": f"/v1/sources/{samples['001']['id']}/annotations",
            "page": "/v1/claims?sort=created_at&limit=1"}


def both(live_server, path, headers) -> list[tuple]:
    """Each worker's answers by the fast path and by Flask's path, READS times. Flask's path: the
    same read with `?offsets=codepoints`; for a page, whose Link repeats its query, with an Origin,
    which the fast path leaves to Flask while CORS is off."""
    slow = (path, {**headers, "Origin": "https://elsewhere.example"}) if "?" in path \
        else (f"{path}?offsets=codepoints", headers)
    return [(get(live_server, path, headers), get(live_server, *slow)) for _ in range(READS)]


@pytest.mark.parametrize("read", ["claim", "annotations", "page"])
def test_every_worker_answers_a_cached_read_as_flask_does(tokens, live_server, paths, read):
    auth = {"Authorization": f"Bearer {tokens['reader']}"}
    both(live_server, paths[read], auth)  # every worker proves the key and stores the representation
    answers = both(live_server, paths[read], auth)
    assert all(fast == slow and fast[0] == 200 for fast, slow in answers)
    assert read != "page" or all(b'"next_cursor":"' in fast[2] and "Link" in dict(fast[1]) for fast, _ in answers)
    if read == "claim":
        etag = dict(answers[0][0][1])["ETag"]
        unchanged = both(live_server, paths[read], {**auth, "If-None-Match": etag})
        assert all(fast == slow and fast[0] == 304 for fast, slow in unchanged)


def test_a_change_and_a_deletion_are_read_by_every_worker_on_the_next_request(api, tokens, live_server, paths):
    auth = {"Authorization": f"Bearer {tokens['reader']}"}
    both(live_server, paths["claim"], auth)
    both(live_server, paths["page"], auth)
    assert api.patch(paths["claim"], json={"text": "An edited text"}).status_code == 200
    for _ in range(2):  # built by Flask in each worker, then from the fast path
        for read in ("claim", "page"):
            answers = both(live_server, paths[read], auth)
            assert all(fast == slow and b'"An edited text"' in fast[2] for fast, slow in answers)
    assert api.delete(paths["claim"], role="admin").status_code == 204
    assert all(fast == slow and fast[0] == 404 for fast, slow in both(live_server, paths["claim"], auth))
    assert all(fast == slow and b'"An edited text"' not in fast[2] for fast, slow in both(live_server, paths["page"], auth))


@pytest.mark.parametrize("read", ["claim", "annotations", "page"])
def test_a_revoked_key_is_refused_by_every_worker_on_its_next_cached_read(api, live_server, paths, read):
    created = api.post("/v1/keys", json={"name": "laptop", "role": "reader"}, role="admin").json
    auth = {"Authorization": f"Bearer {created['key']}"}
    assert {fast[0] for fast, _ in both(live_server, paths[read], auth)} == {200}
    assert api.delete(f"/v1/keys/{created['id']}", role="admin").status_code == 204
    answers = [get(live_server, paths[read], auth) for _ in range(READS)]
    assert {status for status, _, _ in answers} == {401}
