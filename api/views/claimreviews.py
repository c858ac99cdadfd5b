from __future__ import annotations

from flask import Response, current_app, json, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.services import claimreview_imports, claimreviews
from api.views.common import Blueprint, acting, acting_role, link_header, split_query
from api.views.jobs import answer_when_done
from api.web import public_base_url
from schemas.claimreviews import ImportReportSchema
from schemas.jobs import JobSchema
from schemas.common import list_query_schema

blp = Blueprint("claimreviews", __name__, url_prefix="/v1",
                description="Reviewed claims published as schema.org ClaimReview (JSON-LD); other desks' imported.")

LD_JSON = "application/ld+json"
FORMATS = ("json", "datafeed")
ClaimReviewQuerySchema = list_query_schema("ClaimReviewQuery", ("updated_at",), {
    "format": fields.String(load_default=None, validate=validate.OneOf(FORMATS), metadata={
        "description": "datafeed: answer a schema.org DataFeed (application/ld+json), as `Accept: "
                       "application/ld+json` does; json (default): {data, next_cursor}. Paging is the same: "
                       "the next page is in the Link header."}),
}, default_sort="-updated_at")
ClaimReviewPageSchema = Schema.from_dict({"data": fields.List(fields.Dict()), "next_cursor": fields.String(allow_none=True)},
                                         name="ClaimReviewPage")


def publisher() -> dict:
    config = current_app.config["CLAIMTRACK"]
    return {"base_url": public_base_url(),
            "organization": config.organization_name, "organization_url": config.organization_url,
            "url_template": config.claimreview_url_template}


def wants_data_feed(format_: str | None) -> bool:
    if format_ is not None:
        return format_ == "datafeed"
    return request.accept_mimetypes.best_match(["application/json", LD_JSON]) == LD_JSON \
        and request.accept_mimetypes[LD_JSON] > request.accept_mimetypes["application/json"]


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
    @blp.doc(responses={200: {"content": {LD_JSON: {"schema": {"type": "object", "description": "schema.org DataFeed"}}}}})
    def get(self, query):
        """Every reviewed claim as ClaimReview, most recently reviewed first (a DataFeed with
        ?format=datafeed or Accept: application/ld+json)"""
        as_feed = wants_data_feed(query.pop("format"))
        _, paging = split_query(query)
        if as_feed:
            name = f"{current_app.config['CLAIMTRACK'].organization_name} fact-checks"
            feed, page = claimreviews.claim_review_feed(feed_url=request.url, feed_name=name, **paging, **publisher())
            return Response(json.dumps(feed), mimetype=LD_JSON, headers={**link_header(page), "Vary": "Accept"})
        reviews, page = claimreviews.list_claim_reviews(**paging, **publisher())
        return {"data": reviews, "next_cursor": page.next_cursor}, 200, {**link_header(page), "Vary": "Accept"}


@blp.route("/claimreviews/import")
class ClaimReviewImport(MethodView):
    @blp.response(200, ImportReportSchema)
    @blp.alt_response(202, schema=JobSchema, description="More than "
                      f"{claimreview_imports.SYNC_MAX_ITEMS} items: a job imports them (Location: /v1/jobs/{{id}})")
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": {
        "description": "One schema.org ClaimReview, a list of them, a DataFeed whose dataFeedElement holds them "
                       "(directly or in `item`), or a Fact Check Tools claims:search response.",
        "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]}}}})
    def post(self):
        """Import other desks' fact-checks (checker): each item becomes an imported claim with a verdict

        More than 500 items: 202 with a job (`Location: /v1/jobs/{id}`) whose result is the counts
        and the error items; `Prefer: wait=N` answers that result when the job ends in time."""
        outcome = claimreview_imports.import_or_submit(request.get_json(), actor=acting(), role=acting_role())
        if isinstance(outcome, claimreview_imports.ImportReport):
            return {"counts": outcome.counts, "items": [present_item(item) for item in outcome.items]}
        # A job: 202, or with `Prefer: wait=N` its result when done in time (items: the errors only).
        return answer_when_done(outcome, lambda result: result)


def present_item(item) -> dict:
    values = {"index": item.index, "status": item.status, "review_url": item.review_url,
              "claim": item.claim_id, "rating": item.rating, "reason": item.reason, "field": item.field}
    return {k: v for k, v in values.items() if v is not None}
