from __future__ import annotations

from flask import Response, current_app, json
from flask.views import MethodView
from marshmallow import Schema, fields

from api.services import claimreviews
from api.views.common import Blueprint, link_header, split_query
from api.web import public_base_url
from schemas.common import list_query_schema

blp = Blueprint("claimreviews", __name__, url_prefix="/v1",
                description="Reviewed claims published as schema.org ClaimReview (JSON-LD).")

LD_JSON = "application/ld+json"
ClaimReviewQuerySchema = list_query_schema("ClaimReviewQuery", ("updated_at",), {}, default_sort="-updated_at")
ClaimReviewPageSchema = Schema.from_dict({"data": fields.List(fields.Dict()), "next_cursor": fields.String(allow_none=True)},
                                         name="ClaimReviewPage")


def publisher() -> dict:
    config = current_app.config["CLAIMTRACK"]
    return {"base_url": public_base_url(),
            "organization": config.organization_name, "organization_url": config.organization_url,
            "url_template": config.claimreview_url_template}


@blp.route("/claims/<claim:claim_id>/claimreview")
class ClaimReview(MethodView):
    @blp.response(200, {"type": "object", "description": "schema.org ClaimReview"}, content_type=LD_JSON)
    def get(self, claim_id):
        """The claim's latest verdict as schema.org ClaimReview; 404 while unreviewed"""
        review = claimreviews.get_claim_review(claim_id, **publisher())
        return Response(json.dumps(review), mimetype=LD_JSON)


@blp.route("/claimreviews")
class ClaimReviews(MethodView):
    @blp.arguments(ClaimReviewQuerySchema, location="query")
    @blp.response(200, ClaimReviewPageSchema)
    def get(self, query):
        """Every reviewed claim as ClaimReview, most recently reviewed first"""
        _, paging = split_query(query)
        reviews, page = claimreviews.list_claim_reviews(**paging, **publisher())
        return {"data": reviews, "next_cursor": page.next_cursor}, 200, link_header(page)
