"""The full role × endpoint matrix, driven by openapi.yaml.

Every documented operation is tried without a key, with a revoked key, and as reader, checker
and admin. Missing/revoked key → 401 problem+json with WWW-Authenticate (except the open
endpoints); a role below the operation's minimum → 403 problem+json and nothing changes; the
minimum role and above get through (a 2xx: each request is built to succeed).

Minimum roles (GET /v1/jobs shows a reader only the kinds readers may see): GET → reader (and POST
/v1/claims/matches, a read); POST/PATCH → checker; DELETE → admin; and admin for everything
under /v1/keys, /v1/audit and /v1/webhooks and for the merges (people, events, claims).

An operation that openapi.yaml gains without a request builder in MATRIX fails here: add it.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
import yaml

from api.db import database
from api.domain.ids import decode_id
from api.services import jobs
from tests.support import post_samples

PROBLEM = "application/problem+json"
ROOT = Path(__file__).resolve().parents[2]
METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
ROLES = ("reader", "checker", "admin")
RANK = {role: rank for rank, role in enumerate(ROLES)}

# Open without a key. The first two are documented operations; the others serve the document itself.
OPEN_OPERATIONS = {"GET /healthz", "GET /readyz"}
UNDOCUMENTED_OPEN = ("GET /openapi.json", "GET /openapi.yaml", "GET /docs")
ADMIN_ONLY_PREFIXES = ("/v1/keys", "/v1/audit", "/v1/webhooks")
# A public address, never sent to: the endpoints here are disabled (a delivery to a disabled endpoint
# fails without a request).
WEBHOOK_URL = "https://93.184.215.14/hooks/claimtrack"
WEBHOOK = {"url": WEBHOOK_URL, "event_types": ["job.failed"], "enabled": False}
ADMIN_ONLY = {"POST /v1/people/{person_id}/merge", "POST /v1/events/{event_id}/merge", "POST /v1/claims/{claim_id}/merge"}


def documented_operations() -> list[str]:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    return [f"{method.upper()} {path}" for path, item in spec["paths"].items()
            for method in item if method in METHODS]


def documented_security() -> dict[str, list]:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    default = spec.get("security")
    return {f"{method.upper()} {path}": operation.get("security", default)
            for path, item in spec["paths"].items() for method, operation in item.items() if method in METHODS}


# A ClaimReview body of a few items is imported in the request (200); over 500 it is a job (202).
ANSWERED_AT_ONCE = {"POST /v1/claimreviews/import"}


def documented_success() -> dict[str, int]:
    """The success status each operation documents (200, 201, 202 or 204: the first listed), but
    for an operation whose matrix request is built to be answered at once though big inputs
    become jobs (ANSWERED_AT_ONCE)."""
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    return {f"{method.upper()} {path}": 200 if f"{method.upper()} {path}" in ANSWERED_AT_ONCE else
            int(next(code for code in operation["responses"] if code.startswith("2")))
            for path, item in spec["paths"].items() for method, operation in item.items() if method in METHODS}


SUCCESS = documented_success()
# POSTs that only read (a query too long for a URL): the reader role, as GETs.
READS_BY_POST = {"POST /v1/claims/matches"}


def minimum_role(operation: str) -> str | None:
    """None for an open endpoint."""
    method, path = operation.split(" ", 1)
    if operation in OPEN_OPERATIONS or operation in UNDOCUMENTED_OPEN:
        return None
    if path.startswith(ADMIN_ONLY_PREFIXES) or operation in ADMIN_ONLY:
        return "admin"
    if method in ("GET", "HEAD", "OPTIONS") or operation in READS_BY_POST:
        return "reader"
    if method == "DELETE":
        return "admin"
    return "checker"


@dataclass
class World:
    """Real resources made through the API; `fresh_*` make one more for a destructive try."""

    api: object
    source: str
    person: str
    event: str
    claim: str
    verdict: str
    job: str
    webhook: str
    delivery: str
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def unique(self, text: str) -> str:
        return f"{text} #{next(self.numbers)}"

    def _create(self, url: str, body: dict) -> str:
        response = self.api.post(url, json=body, role="admin")
        assert response.status_code == 201, (url, response.status_code, response.json)
        return response.json["id"]

    def fresh_source(self) -> str:
        return self._create("/v1/sources", {"text": self.unique("A source nothing points into."), "title": "Spare"})

    def fresh_person(self) -> str:
        return self._create("/v1/people", {"name": self.unique("Spare Person")})

    def fresh_event(self) -> str:
        return self._create("/v1/events", {"name": self.unique("Spare event")})

    def fresh_claim(self) -> str:
        return self._create("/v1/claims", {"appearances": [{"source": self.source, "start": 0, "end": 12}]})

    def fresh_webhook(self) -> str:
        return self._create("/v1/webhooks", WEBHOOK)

    def fresh_key(self) -> str:
        return self._create("/v1/keys", {"name": self.unique("spare key"), "role": "reader"})

    def path_ids(self) -> dict[str, str]:
        return {"source_id": self.source, "person_id": self.person, "event_id": self.event,
                "claim_id": self.claim, "verdict_id": self.verdict, "job_id": self.job, "webhook_id": self.webhook,
                "delivery_id": self.delivery}


@dataclass
class Call:
    ids: dict[str, str] = field(default_factory=dict)  # path parameters overriding the world's
    json: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)


def plain(world: World) -> Call:
    return Call()


# One request per documented operation, built to succeed for the minimum role.
MATRIX: dict[str, Callable[[World], Call]] = {
    "GET /healthz": plain,
    "GET /readyz": plain,
    "GET /openapi.json": plain,
    "GET /openapi.yaml": plain,
    "GET /docs": plain,
    # sources
    "GET /v1/sources": plain,
    "POST /v1/sources": lambda w: Call(json={"text": w.unique("A brand-new source text."), "title": "New"}),
    "GET /v1/sources/{source_id}": plain,
    "PATCH /v1/sources/{source_id}": lambda w: Call(json={"title": "Edited title"}),
    "DELETE /v1/sources/{source_id}": lambda w: Call(ids={"source_id": w.fresh_source()}),
    "POST /v1/sources/{source_id}/extraction": lambda w: Call(ids={"source_id": w.fresh_source()}),
    "GET /v1/sources/{source_id}/annotations": plain,
    "GET /v1/sources/{source_id}/text": plain,
    # people
    "GET /v1/people": plain,
    "POST /v1/people": lambda w: Call(json={"name": w.unique("New Person")}),
    "GET /v1/people/{person_id}": plain,
    "PATCH /v1/people/{person_id}": lambda w: Call(json={"description": "Edited description"}),
    "DELETE /v1/people/{person_id}": lambda w: Call(ids={"person_id": w.fresh_person()}),
    "POST /v1/people/{person_id}/merge": lambda w: Call(ids={"person_id": w.fresh_person()},
                                                        json={"duplicate": w.fresh_person()}),
    # events
    "GET /v1/events": plain,
    "POST /v1/events": lambda w: Call(json={"name": w.unique("New event")}),
    "GET /v1/events/{event_id}": plain,
    "PATCH /v1/events/{event_id}": lambda w: Call(json={"location": "Anchorage, Alaska"}),
    "DELETE /v1/events/{event_id}": lambda w: Call(ids={"event_id": w.fresh_event()}),
    "POST /v1/events/{event_id}/merge": lambda w: Call(ids={"event_id": w.fresh_event()},
                                                       json={"duplicate": w.fresh_event()}),
    # claims and verdicts
    "GET /v1/claims": plain,
    "POST /v1/claims": lambda w: Call(json={"appearances": [{"source": w.source, "start": 0, "end": 20}]}),
    "GET /v1/claims/{claim_id}": plain,
    "PATCH /v1/claims/{claim_id}": lambda w: Call(json={"tags": ["edited"]}),
    "DELETE /v1/claims/{claim_id}": lambda w: Call(ids={"claim_id": w.fresh_claim()}),
    "GET /v1/claims/{claim_id}/verdicts": plain,
    "GET /v1/claims/{claim_id}/matches": plain,
    "POST /v1/claims/matches": lambda w: Call(json={"text": "the first summit in four years"}),
    "POST /v1/claims/{claim_id}/verdicts": lambda w: Call(json={"rating": "unverifiable", "rationale": "No record."}),
    "GET /v1/verdicts/{verdict_id}": plain,
    "GET /v1/claims/{claim_id}/claimreview": plain,
    "GET /v1/claimreviews": plain,
    "POST /v1/claimreviews/import": lambda w: Call(json={
        "@type": "ClaimReview", "url": f"https://desk.example/{next(w.numbers)}", "claimReviewed": w.unique("Imported"),
        "reviewRating": {"alternateName": "False"}}),
    "POST /v1/claims/{claim_id}/merge": lambda w: Call(ids={"claim_id": w.fresh_claim()},
                                                       json={"duplicate": w.fresh_claim()}),
    # the whole database as NDJSON
    "GET /v1/export": plain,
    # admin
    "GET /v1/keys": plain,
    "POST /v1/keys": lambda w: Call(json={"name": w.unique("new key"), "role": "reader"}),
    "DELETE /v1/keys/{key_id}": lambda w: Call(ids={"key_id": w.fresh_key()}),
    "GET /v1/audit": plain,
    # background jobs
    "GET /v1/jobs": plain,
    "GET /v1/jobs/{job_id}": plain,
    "GET /v1/webhooks": plain,
    "POST /v1/webhooks": lambda w: Call(json=WEBHOOK),
    "GET /v1/webhooks/{webhook_id}": plain,
    "PATCH /v1/webhooks/{webhook_id}": lambda w: Call(json={"description": "Edited description"}),
    "DELETE /v1/webhooks/{webhook_id}": lambda w: Call(ids={"webhook_id": w.fresh_webhook()}),
    "GET /v1/webhooks/{webhook_id}/deliveries": plain,
    "POST /v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver": plain,
}

CALLERS = (None, "revoked", "reader", "checker", "admin")
CALLER_LABELS = {None: "without a key", "revoked": "with a revoked key", "reader": "as reader",
                 "checker": "as checker", "admin": "as admin", "below": "one role too low"}
OPERATIONS = documented_operations() + list(UNDOCUMENTED_OPEN)
CASES = [pytest.param(operation, caller, id=f"{operation} {CALLER_LABELS[caller]}")
         for operation in OPERATIONS for caller in CALLERS]


@pytest.fixture(scope="module")
def shared_api(module_api):
    """One shared world for the module (see conftest's module_api)."""
    return module_api


@pytest.fixture(scope="module")
def world(shared_api) -> World:
    api = shared_api
    sources = {key: source["id"] for key, source in post_samples(api).items()}
    source = sources["001"]
    person = api.post("/v1/people", json={"name": "Donald Trump"})
    assert person.status_code == 201, person.json
    event = api.post("/v1/events", json={"name": "Alaska summit", "participants": [person.json["id"]]})
    assert event.status_code == 201, event.json
    claim = api.post("/v1/claims", json={"claimant": person.json["id"], "events": [event.json["id"]], "appearances": [
        {"source": source, "exact": "We had an extremely productive meeting"}]})
    assert claim.status_code == 201, claim.json
    verdict = api.post(f"/v1/claims/{claim.json['id']}/verdicts",
                       json={"rating": "unverifiable", "rationale": "Nobody else was in the room."})
    assert verdict.status_code == 201, verdict.json
    job = api.post(f"/v1/sources/{sources['000']}/extraction")
    assert job.status_code == 202, job.json
    # Finished before any test compares audit trails: the job's writes must not land during one.
    with database.connection_context():
        assert jobs.wait_for(decode_id("job", job.json["id"]), 180).status == "succeeded"
    webhook, delivery = webhook_with_a_delivery(api)
    return World(api=api, source=source, person=person.json["id"], event=event.json["id"],
                 claim=claim.json["id"], verdict=verdict.json["id"], job=job.json["id"],
                 webhook=webhook, delivery=delivery)


def webhook_with_a_delivery(api) -> tuple[str, str]:
    """A disabled endpoint and one delivery to it of a job.failed event (stored directly: no request
    makes a job fail, and the relay skips disabled endpoints)."""
    from api.domain.ids import encode_id
    from api.models import WebhookDelivery
    from api.services import outbox
    webhook = api.post("/v1/webhooks", json=WEBHOOK, role="admin")
    assert webhook.status_code == 201, webhook.json
    with database.connection_context():
        with database.atomic():
            event = outbox.emit("job.failed", {"id": "job_x"})
            delivery = WebhookDelivery.create(endpoint=decode_id("webhook", webhook.json["id"]), event=event.id,
                                              status="pending")
    return webhook.json["id"], encode_id("delivery", delivery.id)


def concrete_url(path: str, ids: dict[str, str]) -> str:
    def substitute(match):
        name = match.group(1)
        assert name in ids, f"no id for path parameter {{{name}}}: add it to World.path_ids or the MATRIX entry"
        return ids[name]
    return re.sub(r"\{([^}]+)\}", substitute, path)


def revoked_key_header(api) -> dict[str, str]:
    """An admin key that worked, then was revoked: it must be refused like no key at all."""
    created = api.post("/v1/keys", json={"name": "revoked admin", "role": "admin"}, role="admin")
    assert created.status_code == 201, created.json
    header = {"Authorization": f"Bearer {created.json['key']}"}
    assert api.get("/v1/claims", role=None, headers=header).status_code == 200
    assert api.delete(f"/v1/keys/{created.json['id']}", role="admin").status_code == 204
    return header


def audit_trail(api) -> list[dict]:
    """Every audit entry: each write is recorded there, so an unchanged trail means nothing was written."""
    entries, url = [], "/v1/audit?limit=200"
    while True:
        response = api.get(url, role="admin")
        assert response.status_code == 200, response.json
        entries += response.json["data"]
        if not response.json["next_cursor"]:
            return entries
        url = f"/v1/audit?limit=200&cursor={response.json['next_cursor']}"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.data[:300])
    assert response.mimetype == PROBLEM, response.mimetype
    body = response.json
    assert body["status"] == status and body["type"] and body["title"] and body["detail"], body
    return body


def test_the_matrix_has_a_request_for_every_documented_operation():
    documented = set(documented_operations())
    missing = sorted(documented - set(MATRIX))
    assert not missing, f"openapi.yaml has operations the role matrix cannot build a request for: {missing}; " \
                        f"add them to MATRIX in {Path(__file__).name}"
    stale = sorted(set(MATRIX) - documented - set(UNDOCUMENTED_OPEN))
    assert not stale, f"MATRIX has operations openapi.yaml no longer documents: {stale}"


def test_openapi_declares_security_exactly_where_a_key_is_needed():
    for operation, security in documented_security().items():
        if operation in OPEN_OPERATIONS:
            assert security == [], (operation, security)
        else:
            assert security and any("bearer" in requirement for requirement in security), (operation, security)


@pytest.mark.parametrize("operation,caller", CASES)
def test_role_matrix(shared_api, request, operation, caller):
    api = shared_api
    build = MATRIX.get(operation)
    if build is None:
        pytest.fail(f"{operation} is in openapi.yaml but has no request builder: add it to MATRIX in "
                    f"{Path(__file__).name} (and its minimum role to minimum_role if it is not the method's default)")
    need = minimum_role(operation)
    method, path = operation.split(" ", 1)
    world = None if need is None else request.getfixturevalue("world")
    call = build(world) if world is not None else build(None)
    url = concrete_url(path, {**(world.path_ids() if world else {}), **call.ids})

    if caller is None:
        headers, role = {}, None
    elif caller == "revoked":
        headers, role = revoked_key_header(api), None
    else:
        headers, role = {}, caller
    headers = {**call.headers, **headers}
    before = audit_trail(api) if world is not None else None

    response = api.request(method, url, role=role, headers=headers, json=call.json)

    assert response.status_code < 500, (response.status_code, response.data[:300])
    if need is None:  # open: any caller, with or without a (revoked) key, gets the page
        assert response.status_code == SUCCESS.get(operation, 200), (response.status_code, response.data[:300])
        return
    allowed = caller in RANK and RANK[caller] >= RANK[need]
    if allowed:
        assert response.status_code == SUCCESS.get(operation, 200), (response.status_code, response.data[:500])
        if response.status_code == 202 and response.json["id"].startswith("job_"):
            # a job: finished before another test compares audit trails (a redelivery's 202 is no job)
            with database.connection_context():
                jobs.wait_for(decode_id("job", response.json["id"]), 180)
        return
    if caller in RANK:
        body = assert_problem(response, 403)
        assert need in body["detail"], body
        challenge = response.headers.get("WWW-Authenticate", "")
        assert challenge.startswith("Bearer") and 'error="insufficient_scope"' in challenge, challenge
    else:
        assert_problem(response, 401)
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), dict(response.headers)
    # Refused: nothing was written, and what a DELETE named is still there.
    assert audit_trail(api) == before
    if method == "DELETE" and not path.startswith("/v1/keys"):
        assert api.get(url, role="admin").status_code == 200
    if method == "DELETE" and path.startswith("/v1/keys"):
        listed = {k["id"]: k for k in api.get("/v1/keys", role="admin").json}
        assert listed[call.ids["key_id"]]["revoked_at"] is None


# The key and the role are checked before anything looks at the body: a caller without the
# right key learns nothing about the input rules, and cannot make the server parse a body.
BAD_BODIES = {
    "a body that is not JSON": (b"name=x", "application/x-www-form-urlencoded"),
    "a body holding U+0000": (b'{"name": "a\\u0000b"}', "application/json"),
    "a body nested 10,000 deep": (b"[" * 10_000 + b"]" * 10_000, "application/json"),
}
WRITE_OPERATIONS = [operation for operation in OPERATIONS
                    if operation.split(" ")[0] in ("POST", "PATCH", "PUT") and minimum_role(operation) is not None
                    and operation not in READS_BY_POST]
BODY_CASES = [pytest.param(caller, body, id=f"{CALLER_LABELS[caller]} with {body}")
              for caller in (None, "below") for body in BAD_BODIES]


@pytest.mark.parametrize("caller,body", BODY_CASES)
def test_the_key_and_role_are_checked_before_the_body(shared_api, world, caller, body):
    """Every write operation: no key → 401, one role too low → 403, whatever the body."""
    api = shared_api
    data, content_type = BAD_BODIES[body]
    failures = []
    for operation in WRITE_OPERATIONS:
        need = minimum_role(operation)
        method, path = operation.split(" ", 1)
        url = concrete_url(path, world.path_ids())
        role = None if caller is None else ROLES[RANK[need] - 1]
        response = api.request(method, url, role=role, data=data, content_type=content_type)
        expected = 401 if role is None else 403
        if response.status_code != expected or response.mimetype != PROBLEM \
                or (expected == 401 and not response.headers.get("WWW-Authenticate", "").startswith("Bearer")):
            failures.append(f"{operation} as {role or 'no key'}: {response.status_code} {response.data[:120]!r}")
    assert not failures, f"expected {401 if caller is None else 403} before the body is read:\n" + "\n".join(failures)
