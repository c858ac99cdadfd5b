"""ClaimReview as publishers and consumers need it: nothing invented, a `url` the public can
open (the desk's article by template, else claimtrack's public review page), the claim's own
text, dates that keep the outlet's day."""
from __future__ import annotations

import itertools
import json
import re

import pytest

from api.app import create_app
from api.config import Config
from tests.support import ApiClient

TEXT = "Turnout reached 71 percent, the highest since 1990, the commission said on Tuesday."
_EDITION = itertools.count(1)


def _reviewed(api, *, published_at=None, publisher=None, claimant=None, rationale="Official figures: 71.2%.") -> dict:
    source = api.post("/v1/sources", json={"kind": "article", "title": "Election night",
                                           "text": f"{TEXT} (edition {next(_EDITION)})",
                                           "url": "https://news.example/election",
                                           **({"published_at": published_at} if published_at else {}),
                                           **({"publisher": publisher} if publisher else {})}).json
    body = {"appearances": [{"source": source["id"], "exact": "Turnout reached 71 percent"}],
            "text": "Turnout in the 2025 election was 71 percent."}
    if claimant:
        body["claimant"] = api.post("/v1/people", json={"name": claimant}).json["id"]
    claim = api.post("/v1/claims", json=body).json
    api.post(f"/v1/claims/{claim['id']}/verdicts", json={"rating": "unverifiable", "rationale": rationale})
    return claim


def test_nothing_unknown_is_invented(api):
    claim = _reviewed(api)
    review = api.get(f"/v1/claims/{claim['id']}/claimreview").json
    assert "author" not in review["itemReviewed"]
    assert "unknown" not in json.dumps(review)


def test_the_claimant_or_else_the_outlet_is_the_author(api):
    outlet = _reviewed(api, publisher="Daily Example")
    person = _reviewed(api, publisher="Daily Example", claimant="Ana Pereira")
    assert api.get(f"/v1/claims/{outlet['id']}/claimreview").json["itemReviewed"]["author"] == \
        {"@type": "Organization", "name": "Daily Example"}
    assert api.get(f"/v1/claims/{person['id']}/claimreview").json["itemReviewed"]["author"] == \
        {"@type": "Person", "name": "Ana Pereira"}


def test_claim_reviewed_is_the_claims_text(api):
    claim = _reviewed(api)
    assert api.get(f"/v1/claims/{claim['id']}/claimreview").json["claimReviewed"] == \
        "Turnout in the 2025 election was 71 percent."


def test_an_evening_article_keeps_its_own_day_and_offset(api):
    claim = _reviewed(api, published_at="2025-11-04T21:45:00-05:00")
    item = api.get(f"/v1/claims/{claim['id']}/claimreview").json["itemReviewed"]
    assert item["datePublished"] == "2025-11-04T21:45:00.000-05:00"
    assert item["appearance"][0]["datePublished"] == "2025-11-04T21:45:00.000-05:00"


def test_the_url_is_a_public_page_serving_the_review(api):
    claim = _reviewed(api, rationale="<script>alert(1)</script> figures: 71.2%")
    review = api.get(f"/v1/claims/{claim['id']}/claimreview").json
    page_path = review["url"].split("localhost", 1)[1]
    page = api.get(page_path, role=None)  # no key: the public
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Turnout in the 2025 election was 71 percent." in html and "Unverifiable" in html
    assert "<script>alert(1)" not in html
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(embedded)["url"] == review["url"]
    assert api.get(f"/v1/claims/{claim['id']}/claimreview", role=None).status_code == 401


def test_an_unreviewed_claim_has_no_public_page(api):
    source = api.post("/v1/sources", json={"kind": "article", "title": "t", "text": TEXT}).json
    claim = api.post("/v1/claims", json={"appearances": [{"source": source["id"], "exact": "Turnout reached"}]}).json
    assert api.get(f"/reviews/{claim['id']}", role=None).status_code == 404


def test_a_url_template_points_at_the_desks_article(database_url, api, tokens):
    claim = _reviewed(api)
    templated = create_app(Config(database_url=database_url, rate_limit_per_minute=0,
                                  claimreview_url_template="https://desk.example/checks/{claim_id}"))
    review = ApiClient(templated, tokens).get(f"/v1/claims/{claim['id']}/claimreview").json
    assert review["url"] == f"https://desk.example/checks/{claim['id']}"
    assert review["@id"].endswith(f"/v1/claims/{claim['id']}/claimreview")


@pytest.mark.parametrize("template", ["https://desk.example/checks", "https://desk.example/{id}", "desk/{claim_id}"])
def test_a_template_without_the_claim_placeholder_stops_start_up(template):
    with pytest.raises(SystemExit):
        Config.from_env({"CLAIMTRACK_CLAIMREVIEW_URL_TEMPLATE": template})
