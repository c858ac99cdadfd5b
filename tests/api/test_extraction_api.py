"""Extraction through the API: proposals stored as extracted, nothing twice, humans' work untouched."""
from __future__ import annotations

import json

from tests.support import ROOT, WAIT, sample_text

TEXT_001 = sample_text("001_87f9c890ea636cff.txt")


def test_extraction_stores_people_events_and_unreviewed_claims_with_exact_spans(api, samples):
    source_id = samples["001"]["id"]
    response = api.post(f"/v1/sources/{source_id}/extraction", headers=WAIT)
    assert response.status_code == 200, response.json
    result = response.json
    names = {p["name"] for p in result["people"]}
    assert {"Donald Trump", "Vladimir Putin"} <= names
    assert result["claims"] and result["mentions"] > 0
    for claim in result["claims"]:
        assert claim["origin"] == "extracted" and claim["status"] == "unreviewed"
        span = claim["appearances"][0]
        assert TEXT_001[span["start"]:span["end"]] == span["exact"]
        assert 0 <= claim["checkworthiness"] <= 1
    summit = [c for c in result["claims"] if "first summit between US and Russian leaders" in c["text"]]
    assert summit, [c["text"] for c in result["claims"]]
    trump = api.get("/v1/people?name=trump").json["data"]
    assert len(trump) == 1 and trump[0]["origin"] == "extracted" and trump[0]["mentions"]


def test_running_extraction_again_creates_nothing_twice(api, samples):
    source_id = samples["001"]["id"]
    first = api.post(f"/v1/sources/{source_id}/extraction", headers=WAIT).json
    again = api.post(f"/v1/sources/{source_id}/extraction", headers=WAIT).json
    assert again["people"] == [] and again["events"] == [] and again["claims"] == [] and again["mentions"] == 0
    assert {p["id"] for p in again["matched_people"]} >= {p["id"] for p in first["people"]}
    assert len(api.get(f"/v1/claims?source={source_id}&limit=200").json["data"]) == len(first["claims"])


def test_extraction_resolves_to_people_stored_by_hand_and_keeps_human_claims(api, samples):
    source_id = samples["001"]["id"]
    zelenskyy = api.post("/v1/people", json={"name": "Volodymyr Zelenskyy", "aliases": ["Zelensky"]}).json
    human = api.post("/v1/claims", json={"tags": ["desk"], "appearances": [{"source": source_id,
        "exact": "the first summit between US and Russian leaders in four years"}]}).json
    result = api.post(f"/v1/sources/{source_id}/extraction", headers=WAIT).json
    assert zelenskyy["id"] in {p["id"] for p in result["matched_people"]}
    assert "Volodymyr Zelensky" not in {p["name"] for p in result["people"]}
    still = api.get(f"/v1/claims/{human['id']}").json
    assert still["origin"] == "manual" and still["tags"] == ["desk"]
    assert not any("first summit between US" in c["text"] for c in result["claims"])


def test_posting_a_source_with_extract_true_extracts_it(api):
    text = ("GENEVA — Swiss President Karin Keller-Sutter said on Tuesday that inflation fell to 0.2% in May, "
            "the lowest rate in four years. “We expect prices to stay stable,” Keller-Sutter told reporters.")
    response = api.post("/v1/sources", json={"text": text, "extract": True}, headers=WAIT)
    assert response.status_code == 201, response.json
    assert any("Keller-Sutter" in p["name"] for p in response.json["extraction"]["people"])
    assert response.json["extraction"]["claims"]


def test_extraction_of_unknown_source_is_404_and_readers_cannot_run_it(api, samples):
    assert api.post("/v1/sources/src_zzzzzzzz/extraction").status_code == 404
    assert api.post(f"/v1/sources/{samples['000']['id']}/extraction", role="reader").status_code == 403


def test_a_source_posted_with_extract_and_a_text_over_the_extraction_limit_is_413_and_stores_nothing(api):
    from api.extraction import MAX_CHARS
    words = "The minister said the budget grew. "
    text = (words * (MAX_CHARS // len(words) + 1))[:MAX_CHARS + 1]
    response = api.post("/v1/sources", json={"text": text, "title": "Too long to extract", "extract": True}, headers=WAIT)
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert response.json["type"] == "/problems/text-too-long-to-extract"
    # One use case, one transaction: nothing of it was kept, so the same text posts anew.
    assert api.get("/v1/sources").json["data"] == []
    assert api.get("/v1/audit?resource_type=source", role="admin").json["data"] == []
    assert api.post("/v1/sources", json={"text": text, "title": "Stored without extraction"}).status_code == 201


def test_an_event_found_again_in_another_source_is_matched_and_completed_not_duplicated(api):
    first = ("President Donald Trump met Russian President Vladimir Putin at the Anchorage summit on Aug. 15, 2025. "
             "Trump said the Anchorage summit produced 12 agreements on trade and prisoners.\n")
    second = ("Officials said the Anchorage summit in Anchorage, Alaska cost the US government $3 million, "
              "according to budget documents released on Monday.\n")
    one = api.post("/v1/sources", json={"text": first, "extract": True}, headers=WAIT).json["extraction"]
    two = api.post("/v1/sources", json={"text": second, "extract": True}, headers=WAIT).json["extraction"]
    assert [e["name"] for e in one["events"]] == ["Anchorage summit"]
    assert two["events"] == []
    events = api.get("/v1/events?limit=200").json["data"]
    summits = [e for e in events if e["name"] == "Anchorage summit"]
    assert len(summits) == 1
    assert summits[0]["starts_at"] == "2025-08-15"


def test_an_extracted_claim_links_the_events_its_sentence_mentions(api):
    text = ("President Donald Trump met Russian President Vladimir Putin at the Anchorage summit on Aug. 15, 2025.\n"
            "Trump said the Anchorage summit produced 12 agreements on trade and prisoners.\n")
    result = api.post("/v1/sources", json={"text": text, "extract": True}, headers=WAIT).json["extraction"]
    linked = [c for c in result["claims"] if "12 agreements" in c["text"]]
    assert linked, [c["text"] for c in result["claims"]]
    assert [e["name"] for e in linked[0]["events"]] == ["Anchorage summit"]


def test_an_extracted_claim_text_is_the_statement_without_its_attribution(api):
    text = ("Opposition leader Mark Dalton claimed that unemployment had doubled since 2022, "
            "a figure the statistics agency disputes.\n")
    result = api.post("/v1/sources", json={"text": text, "extract": True}, headers=WAIT).json["extraction"]
    claim = next(c for c in result["claims"] if "unemployment" in c["text"])
    assert claim["text"] == "unemployment had doubled since 2022"
    assert claim["appearances"][0]["exact"] == text.strip()
    assert claim["claimant"]["name"] == "Mark Dalton"


def test_the_readme_ecb_example_gets_lagarde_as_claimant_after_the_demo_samples(api, samples):
    # The walkthrough's request body, taken from the README as a reader pastes it, on the demo's
    # data: both samples extracted first, so Trump, Putin, Zelensky and Leavitt are stored.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    body = json.loads(readme.split("ECB=$(ct -X POST \"$API/v1/sources\" -d '")[1].split("')")[0])
    assert body["text"].startswith("FRANKFURT — European Central Bank President Christine Lagarde said")
    for sample in samples.values():
        assert api.post(f"/v1/sources/{sample['id']}/extraction", headers=WAIT).status_code == 200
    result = api.post("/v1/sources", json=body, headers=WAIT).json["extraction"]
    claim = next(c for c in result["claims"] if "inflation fell to 2.1% in October" in c["text"])
    assert claim["text"].startswith("inflation fell to 2.1% in October")
    assert claim["claimant"]["name"] == "Christine Lagarde"
    assert claim["appearances"][0]["exact"].startswith("European Central Bank President Christine Lagarde said")
