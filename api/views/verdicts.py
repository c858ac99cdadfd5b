from __future__ import annotations

from flask import g
from flask.views import MethodView

from api.services import verdicts
from api.views.common import Blueprint, created, page_result, pk_of, single, split_query
from schemas.common import OffsetsQuerySchema, list_query_schema
from schemas.verdicts import VerdictCreateSchema, VerdictPageSchema, VerdictSchema

blp = Blueprint("verdicts", __name__, url_prefix="/v1",
                description="Append-only verdicts on a claim, with evidence. The newest sets the claim's status.")

VerdictQuerySchema = list_query_schema("VerdictQuery", ("created_at",), {}, default_sort="-created_at")


@blp.route("/claims/<claim_id>/verdicts")
class ClaimVerdicts(MethodView):
    @blp.arguments(VerdictQuerySchema, location="query")
    @blp.response(200, VerdictPageSchema)
    def get(self, query, claim_id):
        """The claim's verdict history, newest first"""
        _, paging = split_query(query)
        return page_result(verdicts.list_verdicts(pk_of("claim", claim_id), claim_id, **paging,
                                                  offsets=query["offsets"]))

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(VerdictCreateSchema)
    @blp.response(201, VerdictSchema)
    def post(self, query, data, claim_id):
        """Record a verdict (If-Match with the claim's ETag makes it conditional)"""
        verdict = verdicts.record_verdict(pk_of("claim", claim_id), claim_id, data, offsets=query["offsets"],
                                          reviewer=g.api_key)
        return created(verdict, "verdicts.Verdict")


@blp.route("/verdicts/<verdict_id>")
class Verdict(MethodView):
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.response(200, VerdictSchema)
    def get(self, query, verdict_id):
        """One verdict with its evidence (verdicts never change)"""
        return single(verdicts.get_verdict(pk_of("verdict", verdict_id), verdict_id, offsets=query["offsets"]))
