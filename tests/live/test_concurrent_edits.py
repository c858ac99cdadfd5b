"""Concurrent PATCHes of one resource through several gunicorn workers.

Without If-Match an edit is unconditional: every one succeeds and the last writer wins (the
row is locked while it is edited, as a verdict locks its claim). With If-Match naming the same
ETag, exactly one edit wins and every other answers 412.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

THREADS, ROUNDS = 8, 5


def patch(url, key, body, headers=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PATCH", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {key}", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {**json.loads(response.read()), "etag": response.headers["ETag"]}
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _claim(api, samples) -> dict:
    return api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"],
                                                         "exact": "The three-hour meeting"}]}).json


def test_concurrent_unconditional_patches_all_succeed_and_the_last_writer_wins(api, samples, tokens, live_server):
    claim = _claim(api, samples)
    url = f"{live_server}/v1/claims/{claim['id']}"
    for round_ in range(ROUNDS):
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(lambda n: patch(url, tokens["checker"], {"tags": [f"r{round_}-w{n}"]}),
                                     range(THREADS)))
        assert [status for status, _ in results] == [200] * THREADS, [b for s, b in results if s != 200][:2]
        # The edits took turns: each advanced the version once, so every ETag acknowledged differs.
        assert len({body["etag"] for _, body in results}) == THREADS
        stored = api.get(f"/v1/claims/{claim['id']}")
        last = max(results, key=lambda result: int(result[1]["etag"].rsplit(".v", 1)[1].rstrip('"')))[1]
        assert stored.headers["ETag"] == last["etag"] and stored.json["tags"] == last["tags"]
    history = api.get(f"/v1/audit?resource={claim['id']}&action=update&limit=200", role="admin").json["data"]
    assert len(history) == THREADS * ROUNDS


def test_concurrent_patches_with_one_etag_let_exactly_one_win(api, samples, tokens, live_server):
    claim = _claim(api, samples)
    url = f"{live_server}/v1/claims/{claim['id']}"
    for round_ in range(ROUNDS):
        etag = api.get(f"/v1/claims/{claim['id']}").headers["ETag"]
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(lambda n: patch(url, tokens["checker"], {"tags": [f"r{round_}-w{n}"]},
                                                    {"If-Match": etag}), range(THREADS)))
        statuses = sorted(status for status, _ in results)
        assert statuses == [200] + [412] * (THREADS - 1), statuses
        winner = next(body for status, body in results if status == 200)
        assert api.get(f"/v1/claims/{claim['id']}").json["tags"] == winner["tags"]
