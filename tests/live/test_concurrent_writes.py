"""Several gunicorn workers writing at once: nothing lost, nothing doubled, no 'database is locked'."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from tests.support import WAIT

THREADS, POSTS_PER_THREAD = 8, 6


def post(url, key, body, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {key}", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=200) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_concurrent_verdicts_are_all_stored_and_none_is_lost(api, samples, tokens, live_server):
    claim = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": "The three-hour meeting"}]}).json
    url = f"{live_server}/v1/claims/{claim['id']}/verdicts"

    def writer(n):
        return [post(url, tokens["checker"], {"rating": "unverifiable", "rationale": f"writer {n} post {i}"})
                for i in range(POSTS_PER_THREAD)]

    with ThreadPoolExecutor(THREADS) as pool:
        results = [r for batch in pool.map(writer, range(THREADS)) for r in batch]
    statuses = [status for status, _ in results]
    assert statuses == [201] * THREADS * POSTS_PER_THREAD, [b for s, b in results if s != 201][:3]
    acknowledged = {body["id"] for _, body in results}
    page = api.get(f"/v1/claims/{claim['id']}/verdicts?limit=200").json
    stored = [v["id"] for v in page["data"]]
    assert set(stored) == acknowledged and len(stored) == len(acknowledged)
    latest = api.get(f"/v1/claims/{claim['id']}").json["latest_verdict"]["id"]
    assert latest == stored[0]  # the newest in history is the claim's latest verdict


def test_concurrent_retries_with_one_idempotency_key_store_one_verdict(api, samples, tokens, live_server):
    claim = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": "The three-hour meeting"}]}).json
    url = f"{live_server}/v1/claims/{claim['id']}/verdicts"
    body = {"rating": "unverifiable", "rationale": "retried by a flaky script"}

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda _: post(url, tokens["checker"], body, {"Idempotency-Key": "flaky-1"}),
                                range(THREADS * 2)))
    assert {status for status, _ in results} == {201}
    assert len({body["id"] for _, body in results}) == 1
    assert len(api.get(f"/v1/claims/{claim['id']}/verdicts").json["data"]) == 1


def test_concurrent_extractions_of_one_source_store_each_proposal_once(api, samples, tokens, live_server):
    source_id = samples["001"]["id"]
    url = f"{live_server}/v1/sources/{source_id}/extraction"
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: post(url, tokens["checker"], None, WAIT), range(4)))
    assert [status for status, _ in results] == [200] * 4, [body for status, body in results if status != 200][:2]
    created = [body for _, body in results if body["claims"]]
    assert len(created) == 1  # one run stored the proposals; the others found them there
    people = api.get("/v1/people?limit=200").json["data"]
    assert len({p["name"] for p in people}) == len(people), sorted(p["name"] for p in people)
    claims = api.get(f"/v1/claims?source={source_id}&limit=200").json["data"]
    assert len(claims) == len(created[0]["claims"])
    events = api.get("/v1/events?limit=200").json["data"]
    assert len({e["name"] for e in events}) == len(events)
