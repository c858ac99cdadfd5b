"""Reading ClaimReview feeds and mapping ratings: pure functions, no database."""
from __future__ import annotations

import pytest

from api.domain.claimreview import data_feed
from api.domain.claimreview_import import (
    TEXTUAL_RATINGS, ImportedReview, ItemError, NotAFeed, map_rating, parse_body, rating_from_text, review_source_text,
)
from api.domain.verdicts import BEST_RATING, RATING_VALUES, RATINGS, WORST_RATING


def review(**overrides) -> dict:
    base = {"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://desk.example/checks/1",
            "claimReviewed": "The moon is made of cheese.", "datePublished": "2024-05-01",
            "author": {"@type": "Organization", "name": "Desk", "url": "https://desk.example"},
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Jane Doe"},
                             "datePublished": "2024-04-30",
                             "appearance": [{"@type": "CreativeWork", "url": "https://social.example/p/1",
                                             "datePublished": "2024-04-29"}]},
            "sdLicense": "https://creativecommons.org/licenses/by/4.0/", "inLanguage": "en"}
    return {**base, **overrides}


@pytest.mark.parametrize(("label", "rating"), [
    ("True", "corroborated"), ("Mostly True", "corroborated"), ("Half True", "partly_corroborated"),
    ("Mixture", "partly_corroborated"), ("Misleading", "contradicted"), ("Mostly False", "contradicted"),
    ("False", "contradicted"), ("Pants on Fire!", "contradicted"), ("Unproven", "unverifiable"),
    ("FALSE", "contradicted"), ("  mostly   true ", "corroborated"), ("Engañoso", "contradicted"),
    ("Faux", "contradicted"), ("Falsch", "contradicted"), ("Verdadero", "corroborated"),
    ("Missing context", "contradicted"), ("Satire", "unverifiable"),
    ("False. The photo is from 2015.", "contradicted"),
])
def test_common_labels_map_through_the_table(label, rating):
    assert rating_from_text(label) == rating


@pytest.mark.parametrize("label", ["Blorf", "", None, "???"])
def test_unknown_labels_are_unverifiable(label):
    assert rating_from_text(label) == "unverifiable"


def test_the_table_maps_only_onto_our_ratings():
    assert set(TEXTUAL_RATINGS.values()) <= set(RATINGS)


def test_numeric_ratings_are_scaled_within_best_and_worst():
    assert map_rating(1, 5, 1) == "contradicted"
    assert map_rating(3, 5, 1) == "unverifiable"
    assert map_rating(4, 5, 1) == "partly_corroborated"
    assert map_rating(5, 5, 1) == "corroborated"
    assert map_rating(0, 0, 10) == "corroborated"  # a reversed scale: 0 is best
    assert map_rating("2", "10", "1") == "contradicted"


def test_our_own_scale_reads_back_as_each_rating():
    for rating, value in RATING_VALUES.items():
        assert map_rating(value, BEST_RATING, WORST_RATING) == rating


def test_a_known_label_wins_over_the_number_and_an_out_of_range_number_is_ignored():
    assert map_rating(5, 5, 1, "False") == "contradicted"
    assert map_rating(9, 5, 1, "Blorf") == "unverifiable"
    assert map_rating(9, 5, 1, None) == "unverifiable"
    assert map_rating(3, 3, 3, None) == "unverifiable"  # best == worst: no scale


def test_one_claimreview_is_read_with_everything_kept():
    [item] = parse_body(review())
    assert isinstance(item, ImportedReview)
    assert (item.index, item.review_url, item.claim_text, item.rating) == (
        0, "https://desk.example/checks/1", "The moon is made of cheese.", "contradicted")
    assert (item.rating_text, item.publisher, item.publisher_url, item.review_date, item.language, item.license) == (
        "False", "Desk", "https://desk.example", "2024-05-01", "en", "https://creativecommons.org/licenses/by/4.0/")
    assert (item.claimant, item.claimant_is_person, item.claim_date) == ("Jane Doe", True, "2024-04-30")
    assert [(a.url, a.date) for a in item.appearances] == [("https://social.example/p/1", "2024-04-29")]


def test_a_list_and_a_data_feed_with_direct_and_wrapped_items_are_read_in_order():
    urls = [f"https://desk.example/checks/{i}" for i in range(3)]
    as_list = parse_body([review(url=u) for u in urls])
    feed = {"@type": "DataFeed", "dataFeedElement": [
        review(url=urls[0]), {"@type": "DataFeedItem", "item": review(url=urls[1])},
        {"@type": "DataFeedItem", "item": [review(url=urls[2])]}]}
    assert [r.review_url for r in as_list] == urls
    assert [(r.index, r.review_url) for r in parse_body(feed)] == list(enumerate(urls))


def test_a_fact_check_tools_response_gives_one_item_per_claim_review():
    body = {"claims": [
        {"text": "Vaccines contain microchips.", "claimant": "Viral post", "claimDate": "2021-03-01T00:00:00Z",
         "claimReview": [
             {"publisher": {"name": "Desk A", "site": "a.example"}, "url": "https://a.example/1",
              "title": "No, vaccines do not", "reviewDate": "2021-03-02T00:00:00Z", "textualRating": "False",
              "languageCode": "en"},
             {"publisher": {"name": "Desk B"}, "url": "https://b.example/1", "textualRating": "Falso",
              "languageCode": "es"}]},
        {"text": "Water is wet.", "claimReview": [{"url": "https://c.example/1", "textualRating": "True"}]}]}
    items = parse_body(body)
    assert [(r.index, r.review_url, r.rating, r.language) for r in items] == [
        (0, "https://a.example/1", "contradicted", "en"), (1, "https://b.example/1", "contradicted", "es"),
        (2, "https://c.example/1", "corroborated", None)]
    assert (items[0].publisher, items[0].publisher_url, items[0].title, items[0].claimant, items[0].claim_date) == (
        "Desk A", "https://a.example", "No, vaccines do not", "Viral post", "2021-03-01T00:00:00Z")


@pytest.mark.parametrize(("item", "field"), [
    (review(claimReviewed=None), "claimReviewed"),
    (review(claimReviewed="   "), "claimReviewed"),
    (review(claimReviewed=42), "claimReviewed"),
    (review(url=None), "url"),
    (review(url="javascript:alert(1)"), "url"),
    (review(reviewRating={"ratingValue": "high"}), "reviewRating.ratingValue"),
    (review(reviewRating={}), "reviewRating"),
    (review(datePublished="yesterday"), "datePublished"),
    (review(**{"@type": "Article"}), "@type"),
    ("not an object", ""),
])
def test_a_malformed_item_is_an_error_naming_its_field_and_the_rest_is_read(item, field):
    first, bad = parse_body([review(), item])
    assert isinstance(first, ImportedReview)
    assert isinstance(bad, ItemError) and bad.index == 1 and bad.reason
    assert (bad.field or "") == field


@pytest.mark.parametrize("body", ["text", 42, None, {"@type": "DataFeed", "dataFeedElement": "x"}, {"claims": {}}])
def test_a_body_of_no_accepted_shape_is_refused_whole(body):
    with pytest.raises(NotAFeed):
        parse_body(body)


def test_the_anchoring_text_starts_with_the_statement_and_names_the_review():
    [item] = parse_body(review())
    text = review_source_text(item)
    assert text.startswith(item.claim_text + "\n")
    assert item.review_url in text and "Desk" in text


def test_our_data_feed_reads_back():
    ours = review(reviewRating={"@type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1,
                                "alternateName": "Partly corroborated"})
    feed = data_feed([ours], url="https://ct.example/v1/claimreviews", name="ct", date_modified="2024-01-01T00:00:00Z")
    assert feed["@type"] == "DataFeed" and "@context" not in feed["dataFeedElement"][0]
    [item] = parse_body(feed)
    assert item.rating == "partly_corroborated"
