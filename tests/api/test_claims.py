"""Claims anchored to exact spans: by quote, by offsets, in code points or UTF-16."""
from __future__ import annotations

from tests.support import sample_text

TEXT_001 = sample_text("001_87f9c890ea636cff.txt")
SUMMIT = "the first summit between US and Russian leaders in four years"
EMOJI_TEXT = "Turnout 🗳️ hit 64% 👍🏽 — said Zoë Müller, calling it “the highest since 1990.”"


def post_claim(api, body, query=""):
    return api.post(f"/v1/claims{query}", json=body)


def test_a_claim_created_by_quote_comes_back_with_its_exact_span(api, samples):
    source_id = samples["001"]["id"]
    response = post_claim(api, {"appearances": [{"source": source_id, "exact": SUMMIT}]})
    assert response.status_code == 201, response.json
    claim = api.get(response.headers["Location"]).json
    span = claim["appearances"][0]
    start = TEXT_001.index(SUMMIT)
    assert (span["source"], span["start"], span["end"], span["exact"]) == (source_id, start, start + len(SUMMIT), SUMMIT)
    assert TEXT_001[span["start"]:span["end"]] == SUMMIT
    assert TEXT_001[:span["start"]].endswith(span["prefix"]) and TEXT_001[span["end"]:].startswith(span["suffix"])
    assert 0 < len(span["prefix"]) <= 32 and 0 < len(span["suffix"]) <= 32
    assert claim["text"] == SUMMIT
    assert claim["status"] == "unreviewed" and claim["origin"] == "manual" and claim["latest_verdict"] is None


def test_a_claim_by_offsets_fills_in_the_quote(api, samples):
    start = TEXT_001.index(SUMMIT)
    response = post_claim(api, {"appearances": [{"source": samples["001"]["id"], "start": start, "end": start + len(SUMMIT)}]})
    assert response.status_code == 201
    assert response.json["appearances"][0]["exact"] == SUMMIT


def test_a_quote_typed_with_straight_apostrophes_anchors_to_the_curly_original(api, samples):
    typed = "there's no deal until there's a deal"
    response = post_claim(api, {"appearances": [{"source": samples["001"]["id"], "exact": typed}]})
    assert response.status_code == 201, response.json
    exact = response.json["appearances"][0]["exact"]
    assert exact == "there’s no deal until there’s a deal"
    assert exact in TEXT_001


def test_an_ambiguous_quote_is_409_with_every_candidate(api, samples):
    response = post_claim(api, {"appearances": [{"source": samples["001"]["id"], "exact": "Putin"}]})
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    candidates = response.json["candidates"]
    assert len(candidates) == TEXT_001.count("Putin")
    assert all(TEXT_001[c["start"]:c["end"]] == "Putin" for c in candidates)
    assert "appearances.0.exact" in response.json["errors"]
    assert api.get("/v1/claims").json["data"] == []


def test_prefix_or_offsets_disambiguate_a_repeated_quote(api, samples):
    response = post_claim(api, {"appearances": [{"source": samples["001"]["id"], "exact": "Putin",
                                                 "prefix": "Russian President Vladimir "}]})
    assert response.status_code == 201
    assert response.json["appearances"][0]["start"] == TEXT_001.index("Russian President Vladimir Putin") + 27


def test_quote_not_found_offsets_out_of_range_and_disagreement_are_422(api, samples):
    source_id = samples["001"]["id"]
    cases = [
        {"source": source_id, "exact": "a sentence that is not in the article"},
        {"source": source_id, "start": 10, "end": 99999},
        {"source": source_id, "start": 20, "end": 20},
        {"source": source_id, "start": 0, "end": 6, "exact": "Moscow"},
        {"source": source_id, "start": 5},
    ]
    for span in cases:
        response = post_claim(api, {"appearances": [span]})
        assert response.status_code == 422, (span, response.json)
        assert any(key.startswith("appearances.0") for key in response.json["errors"]), response.json
    assert api.get("/v1/claims").json["data"] == []


def test_utf16_offsets_round_trip_on_text_with_emoji(api):
    source = api.post("/v1/sources", json={"text": EMOJI_TEXT, "kind": "social_post"}).json
    assert source["length_utf16"] > source["length"]
    quote = "the highest since 1990."
    js_start = EMOJI_TEXT.encode("utf-16-le").index(quote.encode("utf-16-le")) // 2
    js_end = js_start + len(quote)
    created = post_claim(api, {"appearances": [{"source": source["id"], "start": js_start, "end": js_end}]}, "?offsets=utf16")
    assert created.status_code == 201, created.json
    span16 = created.json["appearances"][0]
    assert (span16["start"], span16["end"], span16["exact"]) == (js_start, js_end, quote)
    span_cp = api.get(f"/v1/claims/{created.json['id']}").json["appearances"][0]
    assert EMOJI_TEXT[span_cp["start"]:span_cp["end"]] == quote
    assert span_cp["start"] < js_start  # the emoji before it count once in code points, twice in UTF-16
    listed = api.get("/v1/claims?offsets=utf16").json["data"][0]["appearances"][0]
    assert (listed["start"], listed["end"]) == (js_start, js_end)


def test_a_utf16_offset_inside_a_surrogate_pair_is_422(api):
    source = api.post("/v1/sources", json={"text": EMOJI_TEXT}).json
    inside_pair = EMOJI_TEXT.encode("utf-16-le").index("👍".encode("utf-16-le")) // 2 + 1
    response = post_claim(api, {"appearances": [{"source": source["id"], "start": inside_pair, "end": inside_pair + 3}]},
                          "?offsets=utf16")
    assert response.status_code == 422


def test_claims_keep_claimant_events_tags_and_several_appearances(api, samples):
    putin = api.post("/v1/people", json={"name": "Vladimir Putin"}).json
    summit = api.post("/v1/events", json={"name": "Alaska summit", "kind": "summit", "starts_at": "2025-08-15"}).json
    body = {
        "text": "Putin described the meeting as a starting point",
        "claimant": putin["id"], "events": [summit["id"]], "tags": ["Ukraine", "summit"], "checkworthiness": 0.7,
        "appearances": [{"source": samples["001"]["id"], "exact": "described the meeting as a potential “starting point”"},
                        {"source": samples["000"]["id"], "exact": "ANCHORAGE, Alaska"}],
    }
    claim = post_claim(api, body).json
    assert claim["claimant"] == {"id": putin["id"], "name": "Vladimir Putin"}
    assert claim["events"] == [{"id": summit["id"], "name": "Alaska summit"}]
    assert claim["tags"] == ["ukraine", "summit"]
    assert [a["source"] for a in claim["appearances"]] == [samples["001"]["id"], samples["000"]["id"]]
    assert claim["checkworthiness"] == 0.7


def test_filters_select_claims_by_claimant_event_source_tag_origin_status_and_text(api, samples):
    trump = api.post("/v1/people", json={"name": "Donald Trump"}).json
    event = api.post("/v1/events", json={"name": "Joint press conference"}).json
    a = post_claim(api, {"claimant": trump["id"], "tags": ["deal"], "events": [event["id"]],
                         "appearances": [{"source": samples["001"]["id"], "exact": "there’s no deal until there’s a deal"}]}).json
    b = post_claim(api, {"appearances": [{"source": samples["000"]["id"], "exact": "ANCHORAGE, Alaska"}]}).json

    def ids(query):
        response = api.get(f"/v1/claims?{query}")
        assert response.status_code == 200, response.json
        return [c["id"] for c in response.json["data"]]

    assert ids(f"claimant={trump['id']}") == [a["id"]]
    assert ids(f"event={event['id']}") == [a["id"]]
    assert ids(f"source={samples['000']['id']}") == [b["id"]]
    assert ids("tag=DEAL") == [a["id"]]
    assert ids("status=unreviewed&sort=-created_at") == [b["id"], a["id"]]
    assert ids("origin=extracted") == []
    assert ids("q=deal") == [a["id"]]
    assert ids(f"created_after={a['created_at']}") in ([b["id"]], [])


def test_editing_a_claim_with_a_stale_etag_is_412_and_changes_nothing(api, samples):
    created = post_claim(api, {"appearances": [{"source": samples["001"]["id"], "exact": SUMMIT}]})
    url, etag = created.headers["Location"], created.headers["ETag"]
    first = api.patch(url, json={"tags": ["first"]}, headers={"If-Match": etag})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    stale = api.patch(url, json={"tags": ["second"]}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert api.get(url).json["tags"] == ["first"]
    assert api.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_a_claim_without_appearances_is_422(api, samples):
    for body in ({}, {"appearances": []}, {"text": "x", "appearances": [{"exact": "Trump"}]}):
        response = post_claim(api, body)
        assert response.status_code == 422, body


def test_a_list_page_of_50_claims_costs_the_same_few_queries_as_a_page_of_2(api, samples, count_queries):
    person = api.post("/v1/people", json={"name": "Donald Trump"}).json
    words = [w for w in dict.fromkeys(TEXT_001.split()) if TEXT_001.count(w) == 1][:60]
    for word in words:
        assert post_claim(api, {"claimant": person["id"], "tags": ["t"],
                                "appearances": [{"source": samples["001"]["id"], "exact": word}]}).status_code == 201

    def queries_for(url):
        count_queries.queries.clear()
        response = api.get(url)
        assert response.status_code == 200
        return len(count_queries.queries), response.json

    small, _ = queries_for("/v1/claims?limit=2")
    large, page = queries_for("/v1/claims?limit=50")
    assert len(page["data"]) == 50 and page["data"][0]["claimant"]["name"] == "Donald Trump"
    assert large == small <= 8
    deep, _ = queries_for(f"/v1/claims?limit=50&cursor={page['next_cursor']}")
    assert deep == large


def test_a_list_item_is_the_claim_as_its_own_get_shows_it_whichever_is_read_first(api, samples):
    source = samples["001"]["id"]
    first = api.post("/v1/claims", json={"appearances": [{"source": source, "exact": "We had an extremely productive meeting"}],
                                         "tags": ["trade"]}).json
    listed_first = next(c for c in api.get(f"/v1/claims?source={source}&limit=100").json["data"] if c["id"] == first["id"])
    assert api.get(f"/v1/claims/{first['id']}").json == listed_first
    second = api.post("/v1/claims", json={"appearances": [{"source": source, "exact": "productive meeting"}]}).json
    read_first = api.get(f"/v1/claims/{second['id']}?offsets=utf16").json
    listed = api.get(f"/v1/claims?source={source}&limit=100&offsets=utf16")
    assert next(c for c in listed.json["data"] if c["id"] == second["id"]) == read_first
