"""Every write is accounted for: who did what to which resource, and when."""
from __future__ import annotations

import json

from api.db import database
from api.models import AuditEntry


def test_writes_are_audited_with_the_actor_and_readable_by_admins_only(api, samples):
    claim = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": "The three-hour meeting"}]}).json
    api.patch(f"/v1/claims/{claim['id']}", json={"tags": ["meeting"]})
    api.post(f"/v1/claims/{claim['id']}/verdicts", json={"rating": "unverifiable"})
    assert api.get("/v1/audit", role="checker").status_code == 403
    entries = api.get(f"/v1/audit?resource={claim['id']}", role="admin").json["data"]
    assert [e["action"] for e in entries] == ["verdict", "update", "create"]
    assert {e["actor"]["name"] for e in entries} == {"test checker"}
    assert entries[1]["details"] == {"fields": ["tags"]}
    sources = api.get("/v1/audit?resource_type=source&action=create", role="admin").json["data"]
    assert {e["resource"] for e in sources} == {samples["000"]["id"], samples["001"]["id"]}


def test_a_refused_write_leaves_no_audit_entry(api, samples):
    with database.connection_context():
        before = AuditEntry.select().count()
    assert api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": "Putin"}]}).status_code == 409
    assert api.post("/v1/claims/clm_nope/verdicts", json={"rating": "unverifiable"}).status_code == 404
    with database.connection_context():
        assert AuditEntry.select().count() == before


def test_key_secrets_never_reach_the_audit_log(api, tokens):
    created = api.post("/v1/keys", json={"name": "new desk", "role": "reader"}, role="admin").json
    api.delete(f"/v1/keys/{created['id']}", role="admin")
    with database.connection_context():
        logged = json.dumps([e.details + e.actor_name for e in AuditEntry.select()])
    assert created["key"] not in logged and created["key"].split("_")[2] not in logged
    assert not any(token.split("_")[2] in logged for token in tokens.values())
    actions = [e["action"] for e in api.get(f"/v1/audit?resource={created['id']}", role="admin").json["data"]]
    assert actions == ["revoke", "create"]
