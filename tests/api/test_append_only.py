"""Verdicts are append-only history: a claim with verdicts cannot be deleted, and deleting an
unreviewed claim leaves an audit entry saying what went away. On every backend."""
from __future__ import annotations

TEXT = "The ministry said exports grew 12 percent in 2024, the fastest in a decade."


def _claim(api) -> dict:
    source = api.post("/v1/sources", json={"kind": "article", "title": "Exports", "text": TEXT}).json
    response = api.post("/v1/claims", json={"appearances": [{"source": source["id"], "exact": "exports grew 12 percent in 2024"}],
                                            "tags": ["trade"]})
    assert response.status_code == 201
    return response.json


def test_deleting_a_claim_with_verdicts_is_409_and_keeps_everything(api):
    claim = _claim(api)
    verdict = api.post(f"/v1/claims/{claim['id']}/verdicts", json={"rating": "unverifiable", "rationale": "No data."}).json
    response = api.delete(f"/v1/claims/{claim['id']}", role="admin")
    assert response.status_code == 409 and response.json["type"] == "/problems/claim-has-verdicts"
    assert api.get(f"/v1/claims/{claim['id']}").status_code == 200
    assert api.get(f"/v1/verdicts/{verdict['id']}").status_code == 200


def test_deleting_an_unreviewed_claim_records_what_went_away(api):
    claim = _claim(api)
    assert api.delete(f"/v1/claims/{claim['id']}", role="admin").status_code == 204
    entries = api.get("/v1/audit?action=delete&resource_type=claim", role="admin").json["data"]
    assert len(entries) == 1
    details = entries[0]["details"]
    assert details["text"] == "exports grew 12 percent in 2024" and details["tags"] == ["trade"]
    assert details["appearances"] == [{"source": claim["appearances"][0]["source"], "start": 18, "end": 49,
                                       "exact": "exports grew 12 percent in 2024"}]


def test_deleting_a_source_cited_only_as_evidence_is_409_and_keeps_the_verdict(api):
    claim = _claim(api)
    evidence = api.post("/v1/sources", json={"kind": "article", "title": "Stats", "text": "Exports rose 12% in 2024."}).json
    verdict = api.post(f"/v1/claims/{claim['id']}/verdicts", json={"rating": "corroborated", "evidence": [
        {"stance": "supports", "span": {"source": evidence["id"], "exact": "Exports rose 12% in 2024"}}]})
    assert verdict.status_code == 201, verdict.json
    response = api.delete(f"/v1/sources/{evidence['id']}", role="admin")
    assert response.status_code == 409
    assert api.get(f"/v1/verdicts/{verdict.json['id']}").json["evidence"][0]["span"]["source"] == evidence["id"]
