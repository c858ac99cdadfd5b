"""The public, read-only page of a published review: what ClaimReview `url` points at when no
CLAIMTRACK_CLAIMREVIEW_URL_TEMPLATE names the desk's own article. Open without a key: every
reviewed claim is published (GET /v1/claimreviews lists the same); unreviewed claims are 404."""
from __future__ import annotations

import json

from flask import Blueprint, Response
from jinja2 import Environment

from api.auth import public
from api.services import claimreviews
from api.views.claimreviews import publisher

blp = Blueprint("review_page", __name__)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Fact check: {{ review.claimReviewed }}</title>
<script type="application/ld+json">{{ ld_json | safe }}</script></head>
<body><main>
<p>{{ review.author.name if review.author else "" }} fact check, {{ review.datePublished[:10] }}</p>
<h1>{{ review.reviewRating.alternateName }}</h1>
<blockquote>{{ review.claimReviewed }}</blockquote>
{% if review.itemReviewed.author %}<p>Claimed by {{ review.itemReviewed.author.name }}</p>{% endif %}
{% if review.reviewBody %}<p>{{ review.reviewBody }}</p>{% endif %}
{% if review.itemReviewed.appearance %}<h2>Where it appeared</h2><ul>
{% for a in review.itemReviewed.appearance %}<li>{% if a.url %}<a href="{{ a.url }}" rel="nofollow">{{ a.headline or a.url }}</a>{% else %}{{ a.headline or "" }}{% endif %}{% if a.datePublished %} ({{ a.datePublished[:10] }}){% endif %}</li>
{% endfor %}</ul>{% endif %}
</main></body></html>
"""
# Compiled once per process (render_template_string would compile it on every request);
# autoescape as Flask's own templates have it.
PAGE_TEMPLATE = Environment(autoescape=True).from_string(PAGE)


@blp.get("/reviews/<claim:claim_id>")
@public
def review_page(claim_id: int):
    review = claimreviews.get_claim_review(claim_id, **publisher())
    # Inside <script>, "</" would end the element: JSON allows escaping "<" as \\u003c.
    ld_json = json.dumps(review, ensure_ascii=False).replace("<", "\\u003c")
    return Response(PAGE_TEMPLATE.render(review=review, ld_json=ld_json), mimetype="text/html")

