"""Verdicts: append-only, with evidence rules; the claim's status follows the latest."""
from __future__ import annotations

import pytest

from tests.support import missing_id

SUMMIT = "the first summit between US and Russian leaders in four years"
WAR = "the Ukraine war entered its third year"


@pytest.fixture
def summit_claim(api, samples):
    response = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": SUMMIT}]})
    assert response.status_code == 201
    return response


def evidence_span(samples, exact, stance="supports", source="000"):
    return {"stance": stance, "span": {"source": samples[source]["id"], "exact": exact}}


def post_verdict(api, claim_id, body, **kwargs):
    return api.post(f"/v1/claims/{claim_id}/verdicts", json=body, **kwargs)


def test_a_corroborated_verdict_with_supporting_evidence_sets_the_claim_status(api, samples, summit_claim):
    claim_id = summit_claim.json["id"]
    body = {"rating": "corroborated", "rationale": "The previous US–Russia summit was Geneva, June 2021.",
            "evidence": [evidence_span(samples, "a momentous summit on American soil"),
                         {"stance": "context", "url": "https://en.wikipedia.org/wiki/2021_Russia%E2%80%93United_States_summit",
                          "quote": "The summit was held on 16 June 2021 in Geneva"}]}
    response = post_verdict(api, claim_id, body)
    assert response.status_code == 201, response.json
    verdict = response.json
    assert verdict["id"].startswith("vrd_") and verdict["claim"] == claim_id
    assert verdict["reviewer"]["name"] == "test checker"
    assert verdict["evidence"][0]["span"]["exact"] == "a momentous summit on American soil"
    assert verdict["evidence"][1]["span"] is None and verdict["evidence"][1]["url"].startswith("https://")
    assert api.get(response.headers["Location"]).json == verdict
    claim = api.get(f"/v1/claims/{claim_id}").json
    assert claim["status"] == "corroborated"
    assert claim["latest_verdict"]["id"] == verdict["id"]
    assert [c["id"] for c in api.get("/v1/claims?status=corroborated").json["data"]] == [claim_id]
    assert api.get("/v1/claims?status=unreviewed").json["data"] == []


def test_history_is_newest_first_and_a_new_verdict_supersedes(api, samples, summit_claim):
    claim_id = summit_claim.json["id"]
    first = post_verdict(api, claim_id, {"rating": "unverifiable"}).json
    second = post_verdict(api, claim_id, {"rating": "contradicted", "evidence": [
        evidence_span(samples, "a momentous summit on American soil", stance="refutes")]}).json
    history = api.get(f"/v1/claims/{claim_id}/verdicts").json["data"]
    assert [v["id"] for v in history] == [second["id"], first["id"]]
    assert api.get(f"/v1/claims/{claim_id}").json["status"] == "contradicted"


def test_verdicts_cannot_be_edited_or_deleted(api, summit_claim):
    verdict = post_verdict(api, summit_claim.json["id"], {"rating": "unverifiable"}).json
    for method in ("PATCH", "PUT", "DELETE"):
        response = api.request(method, f"/v1/verdicts/{verdict['id']}", json={}, role="admin")
        assert response.status_code == 405, method


@pytest.mark.parametrize("body,field", [
    ({"rating": "corroborated"}, "evidence"),
    ({"rating": "contradicted", "evidence": [{"stance": "supports", "url": "https://example.org/a", "quote": "q"}]}, "evidence"),
    ({"rating": "partly_corroborated"}, "evidence"),
    ({"rating": "true"}, "rating"),
    ({}, "rating"),
    ({"rating": "unverifiable", "rationale": "x" * 20_001}, "rationale"),
    ({"rating": "unverifiable", "evidence": [{"stance": "supports"}]}, "evidence.0.span"),
    ({"rating": "unverifiable", "evidence": [{"stance": "supports", "url": "https://example.org/a", "quote": ""}]}, "evidence.0.quote"),
    ({"rating": "unverifiable", "evidence": [{"stance": "supports", "url": "https://example.org/a"}]}, "evidence.0.quote"),
    ({"rating": "unverifiable", "evidence": [{"stance": "agrees", "url": "https://example.org/a", "quote": "q"}]}, "evidence.0.stance"),
    ({"rating": "unverifiable", "evidence": [{"stance": "supports", "span": {"source": missing_id("source"), "exact": "x"}}]}, "evidence.0.span.source"),
    ({"rating": "unverifiable", "evidence": [{"stance": "supports", "span": {"source": "SOURCE_000", "start": 0, "end": 10**6}}]}, "evidence.0.span.end"),
])
def test_invalid_verdicts_are_422_naming_the_field_and_change_nothing(api, samples, summit_claim, body, field):
    claim_id = summit_claim.json["id"]
    for item in body.get("evidence", []):
        if item.get("span", {}).get("source") == "SOURCE_000":
            item["span"]["source"] = samples["000"]["id"]
    response = post_verdict(api, claim_id, body)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"], response.json["errors"]
    assert api.get(f"/v1/claims/{claim_id}/verdicts").json["data"] == []
    claim = api.get(f"/v1/claims/{claim_id}")
    assert claim.json["status"] == "unreviewed" and claim.headers["ETag"] == summit_claim.headers["ETag"]


def test_evidence_may_not_overlap_the_claims_own_appearance(api, samples, summit_claim):
    response = post_verdict(api, summit_claim.json["id"], {"rating": "corroborated", "evidence": [
        {"stance": "supports", "span": {"source": samples["001"]["id"], "exact": "The Anchorage meeting marked the first summit"}}]})
    assert response.status_code == 422
    assert "evidence.0.span" in response.json["errors"]


def test_an_ambiguous_evidence_quote_is_409_with_candidates(api, samples, summit_claim):
    response = post_verdict(api, summit_claim.json["id"], {"rating": "corroborated", "evidence": [
        evidence_span(samples, "Putin")]})
    assert response.status_code == 409
    assert len(response.json["candidates"]) > 1 and "evidence.0.span.exact" in response.json["errors"]


def test_a_verdict_on_an_unknown_claim_is_404(api):
    assert post_verdict(api, missing_id("claim"), {"rating": "unverifiable"}).status_code == 404
    assert api.get(f"/v1/claims/{missing_id('claim')}/verdicts").status_code == 404


def test_if_match_makes_a_verdict_conditional_on_the_claim_being_unchanged(api, summit_claim):
    claim_id, etag = summit_claim.json["id"], summit_claim.headers["ETag"]
    assert post_verdict(api, claim_id, {"rating": "unverifiable"}, headers={"If-Match": etag}).status_code == 201
    stale = post_verdict(api, claim_id, {"rating": "corroborated", "evidence": [
        {"stance": "supports", "url": "https://example.org", "quote": "q"}]}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert api.get(f"/v1/claims/{claim_id}").json["status"] == "unverifiable"
    assert post_verdict(api, claim_id, {"rating": "unverifiable"}, headers={"If-Match": "garbage"}).status_code == 400


def test_readers_cannot_post_verdicts(api, summit_claim):
    assert post_verdict(api, summit_claim.json["id"], {"rating": "unverifiable"}, role="reader").status_code == 403


def test_an_idempotency_key_replays_the_first_response_and_stores_nothing_twice(api, summit_claim):
    claim_id = summit_claim.json["id"]
    headers = {"Idempotency-Key": "retry-123"}
    first = post_verdict(api, claim_id, {"rating": "unverifiable"}, headers=headers)
    again = post_verdict(api, claim_id, {"rating": "unverifiable"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(api.get(f"/v1/claims/{claim_id}/verdicts").json["data"]) == 1
    different = post_verdict(api, claim_id, {"rating": "corroborated"}, headers=headers)
    assert different.status_code == 422 and "Idempotency-Key" in different.json["errors"]
    too_long = post_verdict(api, claim_id, {"rating": "unverifiable"}, headers={"Idempotency-Key": "k" * 256})
    assert too_long.status_code == 422
    assert len(api.get(f"/v1/claims/{claim_id}/verdicts").json["data"]) == 1


def test_a_failed_request_does_not_use_up_its_idempotency_key(api, samples):
    headers = {"Idempotency-Key": "create-source-1"}
    body = {"text": "A brand new document about the summit."}
    assert api.post("/v1/sources", json={**body, "kind": "podcast"}, headers=headers).status_code == 422
    created = api.post("/v1/sources", json=body, headers=headers)
    assert created.status_code == 201
    assert api.post("/v1/sources", json=body, headers=headers).json["id"] == created.json["id"]


def test_a_verdict_has_an_etag_and_answers_304(api, summit_claim):
    created = post_verdict(api, summit_claim.json["id"], {"rating": "unverifiable"})
    assert created.headers["ETag"]
    assert api.get(created.headers["Location"], headers={"If-None-Match": created.headers["ETag"]}).status_code == 304


def test_a_verdict_is_written_in_one_statement_after_the_claims_lock_on_postgresql(api, samples, summit_claim,
                                                                                 count_queries, database_url):
    """Verdict, evidence, the claim's status, the audit entry and the event: one statement on
    PostgreSQL (models.prepared.run_writes), with the verdict's key reserved by the lock."""
    claim_id = summit_claim.json["id"]
    assert post_verdict(api, claim_id, {"rating": "unverifiable"}).status_code == 201
    body = {"rating": "corroborated", "rationale": "Geneva, 2021.",
            "evidence": [evidence_span(samples, "a momentous summit on American soil"),
                         {"stance": "context", "url": "https://example.org/geneva", "quote": "Geneva, June 2021"}]}
    etag = api.get(f"/v1/claims/{claim_id}").headers["ETag"]
    count_queries.queries.clear()
    verdict = post_verdict(api, claim_id, body, headers={"If-Match": etag})
    assert verdict.status_code == 201, verdict.json
    writes = [q for q in count_queries.queries if q.lstrip("('").startswith(("INSERT", "UPDATE", "WITH"))]
    if database_url.startswith("postgres"):
        assert len(writes) == 1 and writes[0].lstrip("('").startswith("WITH"), count_queries.queries
    else:
        assert len(writes) == 5, count_queries.queries
    claim = api.get(f"/v1/claims/{claim_id}")
    assert (claim.json["status"], claim.json["latest_verdict"]["id"]) == ("corroborated", verdict.json["id"])
    assert claim.headers["ETag"] != etag
    assert post_verdict(api, claim_id, {"rating": "unverifiable"}, headers={"If-Match": etag}).status_code == 412
    assert api.get(verdict.headers["Location"]).json == verdict.json
    assert [e["stance"] for e in verdict.json["evidence"]] == ["supports", "context"]
    audit = api.get(f"/v1/audit?resource={claim_id}&action=verdict", role="admin").json["data"]
    assert [e["details"] for e in audit][:1] == [{"verdict": verdict.json["id"], "rating": "corroborated"}]
