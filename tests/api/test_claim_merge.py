"""POST /v1/claims/{id}/merge: a duplicate claim folded into the one kept, no verdict lost."""
from __future__ import annotations

from tests.support import missing_id

MEETING = "We had an extremely productive meeting"


def claim(api, samples, text: str, **body) -> dict:
    response = api.post("/v1/claims", json={"text": text, "appearances": [
        {"source": samples["001"]["id"], "exact": MEETING}], **body})
    assert response.status_code == 201, response.json
    return response.json


def verdict(api, claim_id: str, rating: str = "unverifiable") -> dict:
    response = api.post(f"/v1/claims/{claim_id}/verdicts", json={"rating": rating, "rationale": rating, "evidence": []})
    assert response.status_code == 201, response.json
    return response.json


def merge(api, keep: str, duplicate: str, **kw):
    return api.post(f"/v1/claims/{keep}/merge", json={"duplicate": duplicate}, **{"role": "admin", **kw})


def test_merging_moves_spans_tags_events_and_every_verdict_and_the_duplicate_is_gone(api, samples):
    summit = api.post("/v1/events", json={"name": "Alaska summit"}).json
    keep = claim(api, samples, "Kept", tags=["ukraine"])
    duplicate = api.post("/v1/claims", json={"text": "Duplicate", "tags": ["ukraine", "summit"], "events": [summit["id"]],
                                             "appearances": [{"source": samples["000"]["id"], "exact": "Vladimir Putin", "suffix": " hold a press conference"}]}).json
    older = verdict(api, keep["id"])
    newer = verdict(api, duplicate["id"], "unverifiable")
    response = merge(api, keep["id"], duplicate["id"])
    assert response.status_code == 200, response.json
    merged = response.json
    assert merged["text"] == "Kept"
    assert sorted(merged["tags"]) == ["summit", "ukraine"]
    assert [e["id"] for e in merged["events"]] == [summit["id"]]
    assert {a["source"] for a in merged["appearances"]} == {samples["000"]["id"], samples["001"]["id"]}
    history = api.get(f"/v1/claims/{keep['id']}/verdicts?sort=created_at").json["data"]
    assert [v["id"] for v in history] == [older["id"], newer["id"]]
    assert api.get(f"/v1/verdicts/{newer['id']}").json["claim"] == keep["id"]
    assert api.get(f"/v1/claims/{duplicate['id']}").status_code == 404
    assert response.headers["ETag"] == api.get(f"/v1/claims/{keep['id']}").headers["ETag"]


def test_the_latest_verdict_by_time_becomes_current_whichever_claim_it_came_from(api, samples):
    keep = claim(api, samples, "Kept")
    duplicate = claim(api, samples, "Duplicate")
    verdict(api, duplicate["id"], "unverifiable")
    latest = api.post("/v1/claims/" + keep["id"] + "/verdicts", json={
        "rating": "unverifiable", "rationale": "later", "evidence": []}).json
    merged = merge(api, duplicate["id"], keep["id"]).json  # fold the one with the newer verdict into the older
    assert merged["latest_verdict"]["id"] == latest["id"]
    assert merged["status"] == "unverifiable"


def test_an_unreviewed_claim_takes_the_duplicates_verdict(api, samples):
    keep = claim(api, samples, "Kept")
    duplicate = claim(api, samples, "Duplicate")
    only = verdict(api, duplicate["id"])
    merged = merge(api, keep["id"], duplicate["id"]).json
    assert (merged["status"], merged["latest_verdict"]["id"]) == ("unverifiable", only["id"])


def test_the_same_span_on_both_is_kept_once(api, samples):
    keep = claim(api, samples, "Kept")
    duplicate = claim(api, samples, "Duplicate")
    merged = merge(api, keep["id"], duplicate["id"]).json
    assert len(merged["appearances"]) == 1


def test_an_imported_review_follows_its_claim(api, samples):
    keep = claim(api, samples, "Kept")
    imported = api.post("/v1/claimreviews/import", json={
        "@type": "ClaimReview", "url": "https://desk.example/1", "claimReviewed": "Kept, as a desk said it.",
        "reviewRating": {"alternateName": "False"}}).json["items"][0]["claim"]
    assert merge(api, keep["id"], imported).status_code == 200
    again = api.post("/v1/claimreviews/import", json={
        "@type": "ClaimReview", "url": "https://desk.example/1", "claimReviewed": "Kept, as a desk said it.",
        "reviewRating": {"alternateName": "True"}}).json["items"][0]
    assert (again["status"], again["claim"]) == ("updated", keep["id"])
    assert api.get(f"/v1/claims/{keep['id']}").json["status"] == "corroborated"


def test_a_stale_etag_is_412_and_nothing_moves(api, samples):
    keep = claim(api, samples, "Kept")
    duplicate = claim(api, samples, "Duplicate", tags=["moved"])
    etag = api.get(f"/v1/claims/{keep['id']}").headers["ETag"]
    api.patch(f"/v1/claims/{keep['id']}", json={"tags": ["edited"]})
    stale = merge(api, keep["id"], duplicate["id"], headers={"If-Match": etag})
    assert stale.status_code == 412
    assert api.get(f"/v1/claims/{duplicate['id']}").json["tags"] == ["moved"]
    fresh = api.get(f"/v1/claims/{keep['id']}").headers["ETag"]
    assert merge(api, keep["id"], duplicate["id"], headers={"If-Match": fresh}).status_code == 200


def test_a_claim_cannot_be_merged_into_itself(api, samples):
    keep = claim(api, samples, "Kept")
    response = merge(api, keep["id"], keep["id"])
    assert response.status_code == 422
    assert response.json["errors"] == {"duplicate": ["must differ from the claim merged into"]}


def test_an_unknown_duplicate_is_a_422_and_an_unknown_claim_a_404(api, samples):
    keep = claim(api, samples, "Kept")
    assert merge(api, keep["id"], missing_id("claim")).status_code == 422
    assert merge(api, missing_id("claim"), keep["id"]).status_code == 404


def test_merging_needs_an_admin(api, samples):
    keep = claim(api, samples, "Kept")
    duplicate = claim(api, samples, "Duplicate")
    assert merge(api, keep["id"], duplicate["id"], role="checker").status_code == 403
    assert api.get(f"/v1/claims/{duplicate['id']}").status_code == 200


def test_the_merge_is_audited(api, samples):
    keep = claim(api, samples, "Kept")
    duplicate = claim(api, samples, "Duplicate")
    merge(api, keep["id"], duplicate["id"])
    entries = api.get("/v1/audit?action=merge", role="admin").json["data"]
    assert [(e["resource"], e["details"]["duplicate"]) for e in entries] == [(keep["id"], duplicate["id"])]
