"""Importing other desks' fact-checks (POST /v1/claimreviews/import) and publishing ours as a
schema.org DataFeed (GET /v1/claimreviews?format=datafeed)."""
from __future__ import annotations

import json

import pytest

from tests.support import missing_id

URL = "/v1/claimreviews/import"


def review(n: int = 1, **overrides) -> dict:
    base = {"@context": "https://schema.org", "@type": "ClaimReview", "url": f"https://desk.example/checks/{n}",
            "claimReviewed": f"The moon is made of cheese number {n}.", "datePublished": "2024-05-01",
            "headline": "No, the moon is not cheese",
            "author": {"@type": "Organization", "name": "Desk", "url": "https://desk.example"},
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Jane Doe"},
                             "appearance": [{"url": "https://social.example/p/1", "datePublished": "2024-04-29"}]},
            "sdLicense": "https://creativecommons.org/licenses/by/4.0/", "inLanguage": "en"}
    return {**base, **overrides}


def google_response() -> dict:
    return {"claims": [{"text": "Vaccines contain microchips.", "claimant": "Viral post", "claimDate": "2021-03-01T00:00:00Z",
                        "claimReview": [{"publisher": {"name": "Desk A", "site": "a.example"}, "url": "https://a.example/1",
                                         "title": "No microchips", "reviewDate": "2021-03-02T00:00:00Z",
                                         "textualRating": "Pants on Fire", "languageCode": "en"}]}]}


def test_one_claimreview_becomes_an_imported_claim_with_a_verdict_and_its_review_kept(api):
    response = api.post(URL, json=review())
    assert response.status_code == 200, response.json
    assert response.json["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "error": 0}
    [item] = response.json["items"]
    assert (item["index"], item["status"], item["rating"]) == (0, "created", "contradicted")
    claim = api.get(f"/v1/claims/{item['claim']}").json
    assert (claim["origin"], claim["status"], claim["text"]) == ("imported", "contradicted", "The moon is made of cheese number 1.")
    [appearance] = claim["appearances"]
    source = api.get(f"/v1/sources/{appearance['source']}").json
    assert source["text"][appearance["start"]:appearance["end"]] == claim["text"] == appearance["exact"]
    assert (source["url"], source["publisher"]) == ("https://desk.example/checks/1", "Desk")
    published = api.get(f"/v1/claims/{item['claim']}/claimreview").json
    assert published["url"] == "https://desk.example/checks/1"
    assert published["author"] == {"@type": "Organization", "name": "Desk", "url": "https://desk.example"}
    assert published["reviewRating"]["alternateName"] == "False"
    assert (published["datePublished"], published["sdLicense"], published["inLanguage"]) == (
        "2024-05-01", "https://creativecommons.org/licenses/by/4.0/", "en")
    assert published["itemReviewed"]["author"] == {"@type": "Person", "name": "Jane Doe"}
    assert published["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "url": "https://social.example/p/1", "datePublished": "2024-04-29"}]


def test_the_verdict_names_the_desk_and_cites_the_review_as_evidence(api):
    claim_id = api.post(URL, json=review()).json["items"][0]["claim"]
    [verdict] = api.get(f"/v1/claims/{claim_id}/verdicts").json["data"]
    assert verdict["rating"] == "contradicted" and "Desk" in verdict["rationale"] and "“False”" in verdict["rationale"]
    [evidence] = verdict["evidence"]
    assert (evidence["stance"], evidence["url"], evidence["quote"]) == ("refutes", "https://desk.example/checks/1", "False")


def test_a_claimant_who_is_a_stored_person_is_linked_and_any_other_kept_as_named(api):
    jane = api.post("/v1/people", json={"name": "Jane Doe"}).json
    linked = api.post(URL, json=review(1, itemReviewed={"author": {"@type": "Person", "name": "JANE  DOE"}})).json
    named = api.post(URL, json=review(2, itemReviewed={"author": {"@type": "Organization", "name": "Facebook posts"}})).json
    assert api.get(f"/v1/claims/{linked['items'][0]['claim']}").json["claimant"]["id"] == jane["id"]
    other = named["items"][0]["claim"]
    assert api.get(f"/v1/claims/{other}").json["claimant"] is None
    assert api.get(f"/v1/claims/{other}/claimreview").json["itemReviewed"]["author"] == {
        "@type": "Organization", "name": "Facebook posts"}


def test_a_list_of_claimreviews_is_imported(api):
    response = api.post(URL, json=[review(1), review(2), review(3)])
    assert response.json["counts"]["created"] == 3
    assert [i["index"] for i in response.json["items"]] == [0, 1, 2]


def test_a_data_feed_with_direct_and_wrapped_items_is_imported(api):
    feed = {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [
        review(1), {"@type": "DataFeedItem", "dateCreated": "2024-05-01", "item": [review(2)]}]}
    response = api.post(URL, json=feed, headers={"Content-Type": "application/ld+json"})
    assert response.status_code == 200, response.json
    assert [(i["index"], i["status"]) for i in response.json["items"]] == [(0, "created"), (1, "created")]


def test_a_fact_check_tools_response_is_imported(api):
    response = api.post(URL, json=google_response())
    [item] = response.json["items"]
    assert (item["status"], item["rating"], item["review_url"]) == ("created", "contradicted", "https://a.example/1")
    published = api.get(f"/v1/claims/{item['claim']}/claimreview").json
    assert (published["reviewRating"]["alternateName"], published["headline"]) == ("Pants on Fire", "No microchips")
    assert published["author"] == {"@type": "Organization", "name": "Desk A", "url": "https://a.example"}


def test_importing_the_same_review_again_leaves_it_unchanged(api):
    first = api.post(URL, json=review()).json["items"][0]
    again = api.post(URL, json=review()).json
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "error": 0}
    assert again["items"][0]["claim"] == first["claim"]
    assert len(api.get("/v1/claims?origin=imported").json["data"]) == 1
    assert len(api.get(f"/v1/claims/{first['claim']}/verdicts").json["data"]) == 1


def test_a_changed_rating_appends_a_verdict_and_other_changes_only_update(api):
    claim_id = api.post(URL, json=review()).json["items"][0]["claim"]
    retitled = api.post(URL, json=review(headline="A new headline")).json["items"][0]
    assert (retitled["status"], retitled["claim"]) == ("updated", claim_id)
    assert len(api.get(f"/v1/claims/{claim_id}/verdicts").json["data"]) == 1
    rerated = api.post(URL, json=review(headline="A new headline", reviewRating={"alternateName": "Half True"})).json
    assert rerated["items"][0]["status"] == "updated"
    verdicts = api.get(f"/v1/claims/{claim_id}/verdicts?sort=created_at").json["data"]
    assert [v["rating"] for v in verdicts] == ["contradicted", "partly_corroborated"]
    assert api.get(f"/v1/claims/{claim_id}").json["status"] == "partly_corroborated"


def test_a_reworded_statement_moves_the_claim_to_a_new_exact_anchor(api):
    claim_id = api.post(URL, json=review()).json["items"][0]["claim"]
    old_source = api.get(f"/v1/claims/{claim_id}").json["appearances"][0]["source"]
    api.post(URL, json=review(claimReviewed="The moon is made of green cheese."))
    claim = api.get(f"/v1/claims/{claim_id}").json
    [appearance] = claim["appearances"]
    source = api.get(f"/v1/sources/{appearance['source']}").json
    assert claim["text"] == "The moon is made of green cheese." == source["text"][appearance["start"]:appearance["end"]]
    assert api.get(f"/v1/sources/{old_source}").status_code == 404  # nothing else used it


def test_a_malformed_item_is_reported_with_index_and_reason_and_the_rest_imported(api):
    body = [review(1), review(2, claimReviewed=None), review(3, reviewRating={"ratingValue": "high"}), "junk", review(4)]
    response = api.post(URL, json=body)
    assert response.status_code == 200
    assert response.json["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error": 3}
    errors = {i["index"]: i for i in response.json["items"] if i["status"] == "error"}
    assert sorted(errors) == [1, 2, 3]
    assert errors[1]["field"] == "claimReviewed" and "claimReviewed" in errors[1]["reason"]
    assert errors[2]["field"] == "reviewRating.ratingValue"
    assert "claim" not in errors[1]
    assert len(api.get("/v1/claims").json["data"]) == 2


def test_the_same_review_twice_in_one_body_is_created_then_updated(api):
    response = api.post(URL, json=[review(1), review(1, claimReviewed="Something else entirely.")])
    assert [i["status"] for i in response.json["items"]] == ["created", "updated"]
    assert len(api.get("/v1/claims").json["data"]) == 1


@pytest.mark.parametrize("body", ["a string", 42, {"@type": "DataFeed", "dataFeedElement": {"not": "a list"}},
                                  {"claims": "nope"}])
def test_a_body_of_no_accepted_shape_is_a_422(api, body):
    response = api.post(URL, json=body)
    assert response.status_code == 422
    assert response.json["type"].endswith("/not-a-feed")


def test_a_body_over_the_limit_is_a_413_and_stores_nothing(api):
    huge = json.dumps([review(i) for i in range(1)])[:-1] + ", " + json.dumps("x" * (10 * 1024 * 1024)) + "]"
    response = api.post(URL, data=huge, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert api.get("/v1/claims").json["data"] == []


def test_a_body_that_is_no_json_is_a_400(api):
    response = api.post(URL, data="{nope", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_readers_may_not_import_and_checkers_may(api):
    assert api.post(URL, json=review(), role="reader").status_code == 403
    assert api.post(URL, json=review(), role=None).status_code == 401
    assert api.post(URL, json=review(), role="checker").status_code == 200


def test_a_nul_in_an_item_is_refused_before_anything_is_stored(api):
    response = api.post(URL, json=[review(1), review(2, claimReviewed="bad\u0000text")])
    assert response.status_code == 422
    assert api.get("/v1/claims").json["data"] == []


# ------------------------------------------------------------------------------------ DataFeed


def _reviewed_claims(api, samples, n: int) -> list[str]:
    ids = []
    for i in range(n):
        claim = api.post("/v1/claims", json={"text": f"Claim {i}", "appearances": [
            {"source": samples["001"]["id"], "exact": "We had an extremely productive meeting"}]}).json
        verdict = api.post(f"/v1/claims/{claim['id']}/verdicts", json={"rating": "unverifiable", "rationale": "No data.",
                                                                       "evidence": []})
        assert verdict.status_code == 201, verdict.json
        ids.append(claim["id"])
    return ids


def test_the_claimreview_list_answers_a_data_feed_paged_like_the_list(api, samples):
    _reviewed_claims(api, samples, 3)
    listed = api.get("/v1/claimreviews?limit=2").json
    feed = api.get("/v1/claimreviews?limit=2&format=datafeed")
    assert feed.status_code == 200 and feed.mimetype == "application/ld+json"
    body = feed.json
    assert (body["@context"], body["@type"]) == ("https://schema.org", "DataFeed")
    assert [e["@id"] for e in body["dataFeedElement"]] == [r["@id"] for r in listed["data"]]
    assert all(e["@type"] == "ClaimReview" and "@context" not in e for e in body["dataFeedElement"])
    # What Google's ClaimReview guidelines require of every review.
    assert all({"url", "claimReviewed", "author", "reviewRating", "datePublished"} <= set(e) and
               {"ratingValue", "bestRating", "worstRating", "alternateName"} <= set(e["reviewRating"])
               for e in body["dataFeedElement"])
    assert f"cursor={listed['next_cursor']}" in feed.headers["Link"] and "format=datafeed" in feed.headers["Link"]
    negotiated = api.get("/v1/claimreviews?limit=2", headers={"Accept": "application/ld+json"})
    assert negotiated.json["@type"] == "DataFeed"
    assert "dataFeedElement" not in api.get("/v1/claimreviews", headers={"Accept": "application/json"}).json


def test_our_data_feed_imports_into_another_desk_unchanged_in_rating(api, samples):
    _reviewed_claims(api, samples, 2)
    feed = api.get("/v1/claimreviews?format=datafeed").json
    # Our own feed read back: each element becomes an imported claim keeping the rating.
    response = api.post(URL, json=feed).json
    assert response["counts"]["created"] == 2
    assert {i["rating"] for i in response["items"]} == {"unverifiable"}


def test_an_unknown_format_is_a_422(api):
    assert api.get("/v1/claimreviews?format=rss").status_code == 422


def test_a_missing_claim_has_no_claimreview(api):
    assert api.get(f"/v1/claims/{missing_id('claim')}/claimreview").status_code == 404


# ------------------------------------------------------------------------------------ large bodies


def test_a_body_over_the_item_limit_becomes_a_job_that_imports_it_with_progress(api, monkeypatch):
    from api.db import database
    from api.domain.ids import decode_id
    from api.services import claimreview_imports, jobs
    monkeypatch.setattr(claimreview_imports, "SYNC_MAX_ITEMS", 2)
    response = api.post(URL, json={"@type": "DataFeed", "dataFeedElement": [review(1), review(2, claimReviewed=None), review(3)]})
    assert response.status_code == 202, response.json
    assert response.headers["Location"] == f"/v1/jobs/{response.json['id']}"
    assert response.json["kind"] == "claimreview.import"
    with database.connection_context():
        job = jobs.wait_for(decode_id("job", response.json["id"]), 30)
    assert (job.status, job.progress_done, job.progress_total) == ("succeeded", 3, 3)
    assert json.loads(job.result) == {"counts": {"created": 2, "updated": 0, "unchanged": 0, "error": 1}, "items": [
        {"index": 1, "status": "error", "field": "claimReviewed",
         "reason": "claimReviewed is missing or empty: there is no claim to import."}]}
    assert len(api.get("/v1/claims?origin=imported").json["data"]) == 2


def test_an_imported_claim_publishes_as_ours_once_our_desk_records_a_newer_verdict(api):
    claim_id = api.post(URL, json=review()).json["items"][0]["claim"]
    ours = api.post(f"/v1/claims/{claim_id}/verdicts", json={"rating": "unverifiable", "rationale": "We could not confirm.",
                                                            "evidence": []})
    assert ours.status_code == 201, ours.json
    published = api.get(f"/v1/claims/{claim_id}/claimreview").json
    assert published["author"]["name"] == "claimtrack"
    assert published["reviewRating"]["alternateName"] == "Unverifiable"
    assert published["url"].endswith(f"/reviews/{claim_id}")


def test_a_numeric_rating_is_read_on_its_scale_and_one_outside_it_is_not_trusted(api):
    on_scale = review(1, reviewRating={"ratingValue": "4", "bestRating": "5", "worstRating": "1"})
    outside = review(2, reviewRating={"ratingValue": 9, "bestRating": 5, "worstRating": 1})
    items = api.post(URL, json=[on_scale, outside]).json["items"]
    assert [i["rating"] for i in items] == ["partly_corroborated", "unverifiable"]
    # Republished with the desk's own numbers.
    rating = api.get(f"/v1/claims/{items[1]['claim']}/claimreview").json["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (9, 5, 1)
