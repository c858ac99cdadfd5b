from __future__ import annotations

from flask.views import MethodView

from api.auth import key_check, key_confirmed_by_read
from api.presenters.claims import present_verdict, present_verdicts
from api.services import verdicts
from api.services.common import etag_for
from api.views.common import Blueprint, acting, created, if_match, page_result, single, spans_in_units, split_query
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
        page = verdicts.list_verdicts(claim_id, **paging)
        return page_result(present_verdicts(page.items, query["offsets"]), page)

    @key_confirmed_by_read
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(VerdictCreateSchema)
    @blp.response(201, VerdictSchema)
    def post(self, query, data, claim_id):
        """Record a verdict (If-Match with the claim's ETag makes it conditional)"""
        verdict = verdicts.record_verdict(claim_id, spans_in_units(data, query["offsets"]), reviewer=acting(),
                                          if_match=if_match(), key=key_check())
        return created(present_verdict(verdict, query["offsets"]), etag_for(verdict.verdict), "verdicts.Verdict",
                       verdict_id=verdict.verdict.id)


@blp.route("/verdicts/<verdict:verdict_id>")
class Verdict(MethodView):
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.response(200, VerdictSchema)
    def get(self, query, verdict_id):
        """One verdict with its evidence (verdicts never change)"""
        verdict = verdicts.get_verdict(verdict_id)
        return single(present_verdict(verdict, query["offsets"]), etag_for(verdict.verdict))
