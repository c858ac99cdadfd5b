"""Claims and a source's annotations served from each worker's cache of representations: every
change that shows in a claim (its own fields, tags, verdicts, its claimant's and events' names) or
in an annotation (its claim's text and status, its person's or event's name, a verdict's evidence)
is read back by every worker on the very next request, after every worker has cached the earlier
version, whether the claim is read alone or as an item of a list page."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

READS = 20  # spread over the server's 4 workers


def call(base, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("ETag"), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None, None


@pytest.fixture
def claim(api, samples, tokens, live_server):
    """A claim with a claimant, an event and a tag, read by every worker (so cached everywhere)."""
    person = api.post("/v1/people", json={"name": "Donald Trump"}).json
    event = api.post("/v1/events", json={"name": "Alaska summit"}).json
    created = api.post("/v1/claims", json={"claimant": person["id"], "events": [event["id"]], "tags": ["trade"],
                                           "appearances": [{"source": samples["001"]["id"],
                                                            "exact": "We had an extremely productive meeting"}]}).json
    path = f"/v1/claims/{created['id']}"
    page = f"/v1/claims?claimant={person['id']}"
    for url in (path, page):
        assert {call(live_server, tokens["reader"], "GET", url)[0] for _ in range(READS)} == {200}
    return {"path": path, "page": page, "person": person, "event": event, "id": created["id"]}


def reads(live_server, tokens, path):
    return [call(live_server, tokens["reader"], "GET", path) for _ in range(READS)]


def item_reads(live_server, tokens, claim):
    """The claim as each read of its list page shows it (status, None, item)."""
    return [(status, None, next(item for item in page["data"] if item["id"] == claim["id"]))
            for status, _, page in reads(live_server, tokens, claim["page"])]


@pytest.mark.parametrize("change, answer, shows", [
    (lambda c: ("PATCH", c["path"], {"text": "An edited text"}), 200, lambda body: body["text"] == "An edited text"),
    (lambda c: ("PATCH", c["path"], {"tags": ["energy"]}), 200, lambda body: body["tags"] == ["energy"]),
    (lambda c: ("PATCH", f"/v1/people/{c['person']['id']}", {"name": "Donald J. Trump"}), 200,
     lambda body: body["claimant"]["name"] == "Donald J. Trump"),
    (lambda c: ("PATCH", f"/v1/events/{c['event']['id']}", {"name": "Anchorage summit"}), 200,
     lambda body: [e["name"] for e in body["events"]] == ["Anchorage summit"]),
    (lambda c: ("POST", f"{c['path']}/verdicts", {"rating": "unverifiable", "rationale": "No record of the meeting."}),
     201, lambda body: body["latest_verdict"]["rating"] == "unverifiable" and body["status"] == "unverifiable"),
], ids=["claim-text", "tags", "claimant-name", "event-name", "verdict"])
def test_a_change_is_read_back_by_every_worker_on_the_next_request(claim, tokens, live_server, change, answer, shows):
    method, path, body = change(claim)
    assert call(live_server, tokens["checker"], method, path, body)[0] == answer
    after = reads(live_server, tokens, claim["path"])
    assert all(status == 200 and shows(body) for status, _, body in after)
    assert len({etag for _, etag, _ in after}) == 1


@pytest.mark.parametrize("change, answer, shows", [
    (lambda c: ("PATCH", c["path"], {"text": "An edited text"}), 200, lambda item: item["text"] == "An edited text"),
    (lambda c: ("PATCH", c["path"], {"tags": ["energy"]}), 200, lambda item: item["tags"] == ["energy"]),
    (lambda c: ("PATCH", f"/v1/people/{c['person']['id']}", {"name": "Donald J. Trump"}), 200,
     lambda item: item["claimant"]["name"] == "Donald J. Trump"),
    (lambda c: ("PATCH", f"/v1/events/{c['event']['id']}", {"name": "Anchorage summit"}), 200,
     lambda item: [e["name"] for e in item["events"]] == ["Anchorage summit"]),
    (lambda c: ("POST", f"{c['path']}/verdicts", {"rating": "unverifiable", "rationale": "No record of the meeting."}),
     201, lambda item: item["latest_verdict"]["rating"] == "unverifiable"),
], ids=["claim-text", "tags", "claimant-name", "event-name", "verdict"])
def test_a_change_shows_in_list_pages_of_every_worker_on_the_next_request(claim, tokens, live_server, change, answer,
                                                                          shows):
    method, path, body = change(claim)
    assert call(live_server, tokens["checker"], method, path, body)[0] == answer
    assert all(status == 200 and shows(item) for status, _, item in item_reads(live_server, tokens, claim))


def test_a_deleted_claim_is_gone_from_every_worker_on_the_next_request(claim, tokens, live_server):
    assert call(live_server, tokens["admin"], "DELETE", claim["path"])[0] == 204
    assert {status for status, _, _ in reads(live_server, tokens, claim["path"])} == {404}


@pytest.fixture
def annotated(api, samples, tokens, live_server):
    """Source 001 with a claim, a person mention and an event mention, its annotations read by every
    worker (so cached everywhere)."""
    source = samples["001"]["id"]
    person = api.post("/v1/people", json={"name": "Vladimir Putin", "mentions": [
        {"source": source, "exact": "Vladimir Putin"}]}).json
    event = api.post("/v1/events", json={"name": "Alaska summit", "mentions": [
        {"source": source, "exact": "summit in Anchorage"}]}).json
    claim = api.post("/v1/claims", json={"appearances": [
        {"source": source, "exact": "We had an extremely productive meeting"}]}).json
    path = f"/v1/sources/{source}/annotations"
    assert {call(live_server, tokens["reader"], "GET", path)[0] for _ in range(READS)} == {200}
    return {"path": path, "source": source, "claim": claim, "person": person, "event": event}


def entities(body: dict, kind: str) -> list[dict]:
    return [a["entity"] for a in body["data"] if a["kind"] == kind]


@pytest.mark.parametrize("change, answer, shows", [
    (lambda a: ("PATCH", f"/v1/claims/{a['claim']['id']}", {"text": "An edited text"}), 200,
     lambda body, a: [e["text"] for e in entities(body, "claim")] == ["An edited text"]),
    (lambda a: ("POST", f"/v1/claims/{a['claim']['id']}/verdicts", {
        "rating": "corroborated", "rationale": "Both leaders said so.",
        "evidence": [{"stance": "supports", "span": {"source": a["source"], "exact": "a 12-minute joint press conference"}}]}),
     201, lambda body, a: [e["status"] for e in entities(body, "claim")] == ["corroborated"]
     and [e["rating"] for e in entities(body, "evidence")] == ["corroborated"]),
    (lambda a: ("PATCH", f"/v1/people/{a['person']['id']}", {"name": "V. V. Putin"}), 200,
     lambda body, a: [e["name"] for e in entities(body, "person")] == ["V. V. Putin"]),
    (lambda a: ("PATCH", f"/v1/events/{a['event']['id']}", {"name": "Anchorage summit"}), 200,
     lambda body, a: [e["name"] for e in entities(body, "event")] == ["Anchorage summit"]),
    (lambda a: ("DELETE", f"/v1/claims/{a['claim']['id']}", None), 204,
     lambda body, a: entities(body, "claim") == []),
], ids=["claim-text", "verdict-with-evidence", "person-name", "event-name", "claim-deleted"])
def test_a_change_shows_in_the_annotations_of_every_worker_on_the_next_request(annotated, tokens, live_server, change,
                                                                              answer, shows):
    method, path, body = change(annotated)
    role = "admin" if method == "DELETE" else "checker"
    assert call(live_server, tokens[role], method, path, body)[0] == answer
    after = reads(live_server, tokens, annotated["path"])
    assert all(status == 200 and shows(body, annotated) for status, _, body in after)
