"""An Idempotency-Key never holds the database's write lock while slow work (extraction) runs:
a plain write sent meanwhile finishes while the extraction is still going."""
from __future__ import annotations

import json
import threading
import time
import urllib.request

from tests.support import WAIT, sample_text


def _post(url, token, body, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}", **(headers or {})})
    with urllib.request.urlopen(request, timeout=200) as response:
        return response.status, json.loads(response.read())


def test_a_plain_write_is_not_blocked_by_an_extraction_with_an_idempotency_key(api, tokens, live_server):
    # Several articles in one source: extraction takes seconds (the model loads lazily, too).
    text = "\n\n".join([sample_text("000_3e424eb520665100.txt"), sample_text("001_87f9c890ea636cff.txt")] * 4)
    source = api.post("/v1/sources", json={"kind": "article", "title": "long", "text": text}).json
    finished = {}

    def extract():
        status, _ = _post(f"{live_server}/v1/sources/{source['id']}/extraction", tokens["checker"], None,
                          {"Idempotency-Key": "extract-long-1", **WAIT})
        finished["extraction"] = (time.monotonic(), status)

    thread = threading.Thread(target=extract)
    thread.start()
    time.sleep(1.0)  # the extraction is under way (reserved its key, reading the model / text)
    started = time.monotonic()
    status, _ = _post(f"{live_server}/v1/sources", tokens["checker"],
                      {"kind": "article", "title": "meanwhile", "text": "A plain write during extraction."})
    plain_done = time.monotonic()
    thread.join(timeout=120)
    assert status == 201 and finished["extraction"][1] == 200
    assert plain_done - started < 1.0
    assert finished["extraction"][0] > plain_done  # it really ran while the extraction was going
