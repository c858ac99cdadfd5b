from __future__ import annotations

from flask import Response, request
from flask.views import MethodView

from api.services import claims, exports
from api.views.common import Blueprint, created, page_result, pk_of, saved, single, split_query
from api.views.exports import streamed_response
from schemas.claims import ClaimCreateSchema, ClaimPageSchema, ClaimQuerySchema, ClaimSchema, ClaimWriteSchema
from schemas.common import OffsetsQuerySchema

blp = Blueprint("claims", __name__, url_prefix="/v1/claims",
                description="Checkable statements, each anchored to the source spans it appears in.")


@blp.route("")
class Claims(MethodView):
    @blp.arguments(ClaimQuerySchema, location="query")
    @blp.response(200, ClaimPageSchema)
    @blp.doc(responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
    def get(self, query):
        """List claims with filters (Accept: text/csv: every matching claim as a spreadsheet)"""
        filters, paging = split_query(query)
        bom = filters.pop("bom")
        if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
            # A spreadsheet gets every matching claim, streamed: limit and cursor do not apply.
            return streamed_response(exports.claims_csv(filters, sort=paging["sort"], offsets=query["offsets"], bom=bom),
                                     "text/csv", "claims.csv")
        return page_result(claims.list_claims(filters, **paging, offsets=query["offsets"]))

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(ClaimCreateSchema)
    @blp.response(201, ClaimSchema)
    def post(self, query, data):
        """Create a claim anchored by quote or offsets"""
        return created(claims.create_claim(data, offsets=query["offsets"]), "claims.Claim")


@blp.route("/<claim_id>")
class Claim(MethodView):
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.response(200, ClaimSchema)
    def get(self, query, claim_id):
        """Get a claim with its spans"""
        return single(claims.get_claim(pk_of("claim", claim_id), claim_id, offsets=query["offsets"]))

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(ClaimWriteSchema)
    @blp.response(200, ClaimSchema)
    def patch(self, query, changes, claim_id):
        """Edit a claim; lists given replace the stored ones (If-Match honoured)"""
        return saved(claims.update_claim(pk_of("claim", claim_id), claim_id, changes, offsets=query["offsets"]))

    @blp.response(204)
    def delete(self, claim_id):
        """Delete a claim (admin)"""
        claims.delete_claim(pk_of("claim", claim_id), claim_id)
        return Response(status=204)
