"""People (aliases, accent-insensitive lookup, mentions, merge) and events (participants)."""
from __future__ import annotations

from tests.support import missing_id, sample_text

TEXT_000 = sample_text("000_3e424eb520665100.txt")


def test_a_person_is_found_by_any_alias_ignoring_case_and_accents(api):
    zelenskyy = api.post("/v1/people", json={"name": "Volodymyr Zelenskyy", "aliases": ["Zelensky", "Zelenskiy"]}).json
    api.post("/v1/people", json={"name": "Zoë Müller"})
    for query in ("zelensky", "ZELENSKIY", "volodymyr zelenskyy", "Zelen"):
        found = api.get(f"/v1/people?name={query}").json["data"]
        assert [p["id"] for p in found] == [zelenskyy["id"]], query
    assert [p["name"] for p in api.get("/v1/people?name=zoe muller").json["data"]] == ["Zoë Müller"]
    assert api.get("/v1/people?name=putin").json["data"] == []


def test_full_text_search_on_people_uses_names_and_descriptions(api):
    api.post("/v1/people", json={"name": "Marco Rubio", "description": "US Secretary of State"})
    assert [p["name"] for p in api.get("/v1/people?q=secretary").json["data"]] == ["Marco Rubio"]


def test_mentions_are_spans_resolved_like_any_span(api, samples):
    body = {"name": "Vladimir Putin", "mentions": [
        {"source": samples["000"]["id"], "exact": "Vladimir Putin", "suffix": " hold a press conference"}]}
    person = api.post("/v1/people", json=body)
    assert person.status_code == 201, person.json
    mention = person.json["mentions"][0]
    assert TEXT_000[mention["start"]:mention["end"]] == "Vladimir Putin"
    assert TEXT_000[mention["end"]:].startswith(" hold a press conference")
    ambiguous = api.post("/v1/people", json={"name": "V. Putin", "mentions": [{"source": samples["000"]["id"], "exact": "Putin"}]})
    assert ambiguous.status_code == 409
    assert [p["name"] for p in api.get("/v1/people").json["data"]] == ["Vladimir Putin"]


def test_merging_folds_a_duplicate_into_a_person_with_its_claims_and_names(api, samples):
    keep = api.post("/v1/people", json={"name": "Donald Trump"}).json
    duplicate = api.post("/v1/people", json={"name": "Donald J. Trump", "aliases": ["President Trump"]}).json
    claim = api.post("/v1/claims", json={"claimant": duplicate["id"], "appearances": [
        {"source": samples["001"]["id"], "exact": "We had an extremely productive meeting"}]}).json
    assert api.post(f"/v1/people/{keep['id']}/merge", json={"duplicate": duplicate["id"]}, role="checker").status_code == 403
    merged = api.post(f"/v1/people/{keep['id']}/merge", json={"duplicate": duplicate["id"]}, role="admin")
    assert merged.status_code == 200, merged.json
    assert set(merged.json["aliases"]) == {"Donald J. Trump", "President Trump"}
    assert api.get(f"/v1/people/{duplicate['id']}").status_code == 404
    assert api.get(f"/v1/claims/{claim['id']}").json["claimant"]["id"] == keep["id"]
    assert [p["id"] for p in api.get("/v1/people?name=president trump").json["data"]] == [keep["id"]]


def test_deleting_a_person_leaves_their_claims_without_claimant(api, samples):
    person = api.post("/v1/people", json={"name": "Donald Trump"}).json
    claim = api.post("/v1/claims", json={"claimant": person["id"], "appearances": [
        {"source": samples["001"]["id"], "exact": "We had an extremely productive meeting"}]}).json
    assert api.delete(f"/v1/people/{person['id']}", role="admin").status_code == 204
    assert api.get(f"/v1/claims/{claim['id']}").json["claimant"] is None


def test_an_event_keeps_participants_dates_location_and_mentions(api, samples):
    trump = api.post("/v1/people", json={"name": "Donald Trump"}).json
    putin = api.post("/v1/people", json={"name": "Vladimir Putin"}).json
    event = api.post("/v1/events", json={
        "name": "Alaska summit", "kind": "summit", "starts_at": "2025-08-15", "location": "Anchorage, Alaska",
        "participants": [trump["id"], putin["id"]],
        "mentions": [{"source": samples["001"]["id"], "exact": "The three-hour meeting"}]})
    assert event.status_code == 201, event.json
    body = event.json
    assert [p["name"] for p in body["participants"]] == ["Donald Trump", "Vladimir Putin"]
    assert body["starts_at"] == "2025-08-15" and body["mentions"][0]["exact"] == "The three-hour meeting"
    assert [e["id"] for e in api.get(f"/v1/events?participant={putin['id']}").json["data"]] == [body["id"]]
    assert api.get("/v1/events?kind=summit&starts_after=2025-08-01").json["data"][0]["id"] == body["id"]
    assert api.get("/v1/events?starts_before=2025-01-01").json["data"] == []


def test_an_event_with_an_unknown_participant_is_422_and_not_stored(api):
    response = api.post("/v1/events", json={"name": "Summit", "participants": [missing_id("person")]})
    assert response.status_code == 422
    assert "participants" in response.json["errors"]
    assert api.get("/v1/events").json["data"] == []


def test_patching_an_event_replaces_participants(api):
    a = api.post("/v1/people", json={"name": "A Person"}).json
    event = api.post("/v1/events", json={"name": "Talks", "participants": [a["id"]]})
    patched = api.patch(event.headers["Location"], json={"participants": [], "location": "Geneva"},
                        headers={"If-Match": event.headers["ETag"]})
    assert patched.status_code == 200
    assert patched.json["participants"] == [] and patched.json["location"] == "Geneva"


def test_renaming_or_deleting_a_claimant_or_event_changes_the_claims_etag(api, samples):
    person = api.post("/v1/people", json={"name": "Donald Trump"}).json
    event = api.post("/v1/events", json={"name": "Alaska summit"}).json
    claim = api.post("/v1/claims", json={"claimant": person["id"], "events": [event["id"]], "appearances": [
        {"source": samples["001"]["id"], "exact": "We had an extremely productive meeting"}]})
    url, etags = claim.headers["Location"], [claim.headers["ETag"]]
    api.patch(f"/v1/people/{person['id']}", json={"name": "Donald J. Trump"})
    api.patch(f"/v1/events/{event['id']}", json={"name": "Anchorage summit"})
    etags.append(api.get(url).headers["ETag"])
    api.delete(f"/v1/people/{person['id']}", role="admin")
    etags.append(api.get(url).headers["ETag"])
    api.delete(f"/v1/events/{event['id']}", role="admin")
    final = api.get(url)
    etags.append(final.headers["ETag"])
    assert len(set(etags)) == 4
    assert final.json["claimant"] is None and final.json["events"] == []
    assert api.get(url, headers={"If-None-Match": etags[0]}).status_code == 200


def test_renaming_a_participant_changes_the_events_etag(api):
    person = api.post("/v1/people", json={"name": "Alice Smith"}).json
    event = api.post("/v1/events", json={"name": "Budget talks", "participants": [person["id"]]})
    api.patch(f"/v1/people/{person['id']}", json={"name": "Alicia Smith"})
    after = api.get(event.headers["Location"], headers={"If-None-Match": event.headers["ETag"]})
    assert after.status_code == 200 and after.json["participants"][0]["name"] == "Alicia Smith"


def test_blank_names_and_texts_are_refused(api, samples):
    person = api.post("/v1/people", json={"name": "Alice Smith"}).json
    assert api.patch(f"/v1/people/{person['id']}", json={"name": "   "}).status_code == 422
    assert api.post("/v1/claims", json={"text": "  ", "appearances": [
        {"source": samples["001"]["id"], "exact": "The three-hour meeting"}]}).status_code == 422
    assert api.get(f"/v1/people/{person['id']}").json["name"] == "Alice Smith"


def test_merging_an_unknown_duplicate_is_422_naming_the_field(api):
    person = api.post("/v1/people", json={"name": "Alice Smith"}).json
    response = api.post(f"/v1/people/{person['id']}/merge", json={"duplicate": missing_id("person")}, role="admin")
    assert response.status_code == 422 and "duplicate" in response.json["errors"]


def test_merging_events_moves_mentions_participants_and_claims_and_fills_missing_fields(api, samples):
    trump = api.post("/v1/people", json={"name": "Donald Trump"}).json
    keep = api.post("/v1/events", json={"name": "Alaska summit", "kind": "summit", "starts_at": "2025-08-15"}).json
    duplicate = api.post("/v1/events", json={"name": "Alaska summit", "kind": "summit", "location": "Anchorage, Alaska",
                                             "participants": [trump["id"]]}).json
    claim = api.post("/v1/claims", json={"events": [duplicate["id"]], "appearances": [
        {"source": samples["001"]["id"], "exact": "We had an extremely productive meeting"}]}).json
    assert api.post(f"/v1/events/{keep['id']}/merge", json={"duplicate": duplicate["id"]}, role="checker").status_code == 403
    merged = api.post(f"/v1/events/{keep['id']}/merge", json={"duplicate": duplicate["id"]}, role="admin")
    assert merged.status_code == 200, merged.json
    assert (merged.json["starts_at"], merged.json["location"]) == ("2025-08-15", "Anchorage, Alaska")
    assert [p["id"] for p in merged.json["participants"]] == [trump["id"]]
    assert api.get(f"/v1/events/{duplicate['id']}").status_code == 404
    assert [e["id"] for e in api.get(f"/v1/claims/{claim['id']}").json["events"]] == [keep["id"]]


def test_an_event_cannot_be_merged_into_itself(api):
    event = api.post("/v1/events", json={"name": "Alaska summit"}).json
    response = api.post(f"/v1/events/{event['id']}/merge", json={"duplicate": event["id"]}, role="admin")
    assert response.status_code == 422
    assert response.json["errors"] == {"duplicate": ["must differ from the event merged into"]}
