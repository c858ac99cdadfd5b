from __future__ import annotations

from flask.views import MethodView

from api.services import verdicts
from api.views.common import Blueprint, acting, created, if_match, page_result, single, split_query
from schemas.common import OffsetsQuerySchema, list_query_schema
from schemas.verdicts import VerdictCreateSchema, VerdictPageSchema, VerdictSchema

blp = Blueprint("verdicts", __name__, url_prefix="/v1",
                description="Append-only verdicts on a claim, with evidence. The newest sets the claim's status.")

VerdictQuerySchema = list_query_schema("VerdictQuery", ("created_at",), {}, default_sort="-created_at")


@blp.route("/claims/<claim:claim_id>/verdicts")
class ClaimVerdicts(MethodView):
    @blp.arguments(VerdictQuerySchema, location="query")
    @blp.response(200, VerdictPageSchema)
    def get(self, query, claim_id):
        """The claim's verdict history, newest first"""
        _, paging = split_query(query)
        return page_result(verdicts.list_verdicts(claim_id, **paging, offsets=query["offsets"]))

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(VerdictCreateSchema)
    @blp.response(201, VerdictSchema)
    def post(self, query, data, claim_id):
        """Record a verdict (If-Match with the claim's ETag makes it conditional)"""
        verdict = verdicts.record_verdict(claim_id, data, reviewer=acting(), if_match=if_match(),
                                          offsets=query["offsets"])
        return created(verdict, "verdicts.Verdict")


@blp.route("/verdicts/<verdict:verdict_id>")
class Verdict(MethodView):
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.response(200, VerdictSchema)
    def get(self, query, verdict_id):
        """One verdict with its evidence (verdicts never change)"""
        return single(verdicts.get_verdict(verdict_id, offsets=query["offsets"]))
