"""Sources: stored as given, listed, fetched, edited, deleted under the contract's rules."""
from __future__ import annotations

import hashlib
import json

from tests.support import missing_id, sample_text

TEXT_001 = sample_text("001_87f9c890ea636cff.txt")


def test_posting_a_source_stores_its_text_byte_for_byte_and_answers_201_with_location(api, samples):
    source = samples["001"]
    assert source["id"].startswith("src_")
    assert source["text"] == TEXT_001
    assert source["text_sha256"] == hashlib.sha256(TEXT_001.encode()).hexdigest()
    assert source["length"] == 2574
    response = api.get(f"/v1/sources/{source['id']}")
    assert response.status_code == 200
    assert response.json["text"] == TEXT_001


def test_creation_sets_location_and_etag(api):
    response = api.post("/v1/sources", json={"text": "A new document.", "title": "T"})
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/v1/sources/{response.json['id']}")
    assert response.headers["ETag"]
    assert api.get(response.headers["Location"]).json["title"] == "T"


def test_sample_metadata_matches_the_shipped_sha256(samples):
    from tests.support import sample_metadata
    by_file = {m["file"][:3]: m for m in sample_metadata()}
    for key, source in samples.items():
        assert source["text_sha256"] == by_file[key]["sha256"]
        assert source["length"] == by_file[key]["code_points"]
        assert source["length_utf16"] == by_file[key]["utf16_units"]


def test_text_endpoint_answers_text_plain_exactly(api, samples):
    response = api.get(f"/v1/sources/{samples['001']['id']}/text")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.data.decode("utf-8") == TEXT_001


def test_posting_the_same_text_again_is_409_naming_the_existing_source(api, samples):
    response = api.post("/v1/sources", json={"text": TEXT_001})
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.json["existing"] == samples["001"]["id"]
    assert samples["001"]["id"] in response.json["detail"]


def test_a_leading_bom_is_dropped_and_nothing_else_changes(api):
    response = api.post("/v1/sources", json={"text": "\ufeffLine one\r\n  Line two  "})
    assert response.status_code == 201
    assert response.json["text"] == "Line one\r\n  Line two  "


def test_text_with_nul_or_lone_surrogate_is_refused(api):
    for text in ("before\x00after", "bad \ud800 surrogate"):
        response = api.post("/v1/sources", data=json.dumps({"text": text}), content_type="application/json")
        assert response.status_code == 422
        assert "text" in response.json["errors"]
    assert api.get("/v1/sources").json["data"] == []


def test_list_leaves_out_text_and_pages_with_a_cursor(api, samples):
    page = api.get("/v1/sources?limit=1").json
    assert len(page["data"]) == 1 and "text" not in page["data"][0]
    second = api.get(f"/v1/sources?limit=1&cursor={page['next_cursor']}").json
    assert second["next_cursor"] is None
    assert {page["data"][0]["id"], second["data"][0]["id"]} == {samples["000"]["id"], samples["001"]["id"]}


def test_full_text_search_finds_sources_by_words_in_their_text(api, samples):
    found = api.get("/v1/sources?q=Anchorage headway").json["data"]
    assert [s["id"] for s in found] == [samples["001"]["id"]]
    both = api.get("/v1/sources?q=ceasefire").json["data"]
    assert {s["id"] for s in both} == {samples["000"]["id"], samples["001"]["id"]}
    assert api.get("/v1/sources?q=zzzunknownword").json["data"] == []


def test_metadata_can_be_edited_but_text_cannot(api, samples):
    source_id = samples["000"]["id"]
    response = api.patch(f"/v1/sources/{source_id}", json={"url": "https://laist.com/news/example"})
    assert response.status_code == 200
    assert response.json["url"] == "https://laist.com/news/example"
    refused = api.patch(f"/v1/sources/{source_id}", json={"text": "rewritten"})
    assert refused.status_code == 422
    assert "text" in refused.json["errors"]
    assert api.get(f"/v1/sources/{source_id}/text").data.decode() == sample_text("000_3e424eb520665100.txt")


def test_delete_needs_admin_and_is_refused_while_claims_point_into_the_source(api, samples):
    source_id = samples["001"]["id"]
    assert api.delete(f"/v1/sources/{source_id}", role="checker").status_code == 403
    claim = api.post("/v1/claims", json={"appearances": [{"source": source_id, "exact": "three-hour meeting"}]})
    assert claim.status_code == 201
    refused = api.delete(f"/v1/sources/{source_id}", role="admin")
    assert refused.status_code == 409
    assert api.get(f"/v1/sources/{source_id}").status_code == 200
    assert api.delete(f"/v1/claims/{claim.json['id']}", role="admin").status_code == 204
    assert api.delete(f"/v1/sources/{source_id}", role="admin").status_code == 204
    assert api.get(f"/v1/sources/{source_id}").status_code == 404


def test_unknown_or_malformed_source_ids_are_404(api, samples):
    for bad in ("src_zzzzzzzz", missing_id("claim"), "src_' OR 1=1 --", "1"):
        response = api.get(f"/v1/sources/{bad}")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_a_sources_etag_changes_when_its_counts_do(api, samples):
    source = api.get(f"/v1/sources/{samples['001']['id']}")
    api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"], "exact": "three-hour meeting"}]})
    again = api.get(f"/v1/sources/{samples['001']['id']}", headers={"If-None-Match": source.headers["ETag"]})
    assert again.status_code == 200 and again.json["counts"]["claims"] == 1
    edited = api.patch(f"/v1/sources/{samples['001']['id']}", json={"title": "New"}, headers={"If-Match": again.headers["ETag"]})
    assert edited.status_code == 200
