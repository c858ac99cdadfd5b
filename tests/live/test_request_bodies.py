"""Request bodies through gunicorn: a chunked body over the limit is 413 like one with a length."""
from __future__ import annotations

import http.client
import json


def test_a_chunked_body_over_the_limit_gets_413_from_the_live_server(live_server, tokens):
    host, port = live_server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    chunk = b'{"title": "big", "text": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    connection.request("POST", "/v1/sources", body=iter([chunk[i:i + 65536] for i in range(0, len(chunk), 65536)]),
                       headers={"Authorization": f"Bearer {tokens['checker']}", "Content-Type": "application/json"},
                       encode_chunked=True)
    response = connection.getresponse()
    body = json.loads(response.read())
    assert response.status == 413, body
    assert body["detail"] == "The request body is over the limit of 2,097,152 bytes."
