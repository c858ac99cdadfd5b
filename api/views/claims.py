from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from werkzeug.datastructures import MIMEAccept

from api.auth import key_check, key_confirmed_by_read, requires_role
from api.pagination import PageRows
from api.presenters.claims import present_claim, present_claims
from api.presenters.csv import claims_csv
from api.services import claim_merge, claims
from api.services.common import etag_for
from api.services.keys import KeyCheck
from api.views.common import (
    Blueprint, acting, created, if_match, page_cached, saved, single_cached, spans_in_units, split_query,
)
from api.views.exports import streamed_response
from schemas.claims import ClaimCreateSchema, ClaimPageSchema, ClaimQuerySchema, ClaimSchema, ClaimWriteSchema
from schemas.claimreviews import ClaimMergeSchema
from schemas.common import OffsetsQuerySchema

CLAIM_SCHEMA = ClaimSchema()

blp = Blueprint("claims", __name__, url_prefix="/v1/claims",
                description="Checkable statements, each anchored to the source spans it appears in.")


def claim_representation(claim_id: int, offsets: str, check: KeyCheck | None) -> tuple[tuple, tuple, str]:
    """(the key of the claim's representation in REPRESENTATIONS, its current version, its ETag),
    read in one statement that also confirms `check` (Unauthenticated once revoked; NotFound).
    The view's and the read served before Flask (api.cached_reads)."""
    version, etag = claims.claim_version(claim_id, check)
    return ("claim", claim_id, offsets), version, etag


CLAIM_QUERY = ClaimQuerySchema()  # one object: StrictParser keeps parsed query strings per schema object


def wants_csv(accept: MIMEAccept) -> bool:
    """Whether a claims list is asked for as a spreadsheet (Accept: text/csv preferred to JSON)."""
    return accept.best_match(["application/json", "text/csv"]) == "text/csv"


def claims_page_representation(query: dict, check: KeyCheck | None) -> tuple[tuple, PageRows]:
    """(the key of the JSON page's representation in PAGES, the page's rows) for a parsed
    CLAIM_QUERY, read in one statement that also confirms `check` (Unauthenticated once revoked;
    Invalid for a bad cursor). The view's and the read served before Flask (api.cached_reads)."""
    filters, paging = split_query(query)
    filters.pop("bom")
    return claims_page_key(query), claims.list_page(filters, **paging, key=check)


def claims_page_key(query: dict) -> tuple:
    """The key in PAGES of a parsed CLAIM_QUERY's JSON page (its representation at any version)."""
    return ("claims", *query.items())


@blp.route("")
class Claims(MethodView):
    @key_confirmed_by_read
    @blp.arguments(CLAIM_QUERY, location="query")
    @blp.response(200, ClaimPageSchema)
    @blp.doc(responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
    def get(self, query):
        """List claims with filters (Accept: text/csv: every matching claim as a spreadsheet)"""
        if wants_csv(request.accept_mimetypes):
            # A spreadsheet gets every matching claim, streamed: limit and cursor do not apply.
            filters, paging = split_query(query)
            bom = filters.pop("bom")
            pages = claims.all_claims(filters, sort=paging["sort"])
            return streamed_response(claims_csv(pages, query["offsets"], bom=bom), "text/csv", "claims.csv")
        offsets = query["offsets"]

        def build(rows):
            details = claims.claim_details(claims.claims_by_ids([row.id for row in rows]))
            return [(d.claim, etag_for(d.claim), CLAIM_SCHEMA.dump(item))
                    for d, item in zip(details, present_claims(details, offsets))]
        return page_cached(*claims_page_representation(query, key_check()), lambda row: ("claim", row.id, offsets),
                           claims.claim_version_of, build)

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(ClaimCreateSchema)
    @blp.response(201, ClaimSchema)
    def post(self, query, data):
        """Create a claim anchored by quote or offsets"""
        claim = claims.create_claim(spans_in_units(data, query["offsets"]), actor=acting())
        return created(present_claim(claim, query["offsets"]), etag_for(claim.claim), "claims.Claim",
                       claim_id=claim.claim.id)


@blp.route("/<claim:claim_id>")
class Claim(MethodView):
    @key_confirmed_by_read
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.response(200, ClaimSchema)
    def get(self, query, claim_id):
        """Get a claim with its spans"""
        offsets = query["offsets"]

        def build():
            claim = claims.get_claim(claim_id)
            return claims.claim_version_of(claim.claim), etag_for(claim.claim), CLAIM_SCHEMA.dump(present_claim(claim, offsets))
        return single_cached(*claim_representation(claim_id, offsets, key_check()), build)

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(ClaimWriteSchema)
    @blp.response(200, ClaimSchema)
    def patch(self, query, changes, claim_id):
        """Edit a claim; lists given replace the stored ones (If-Match honoured)"""
        claim = claims.update_claim(claim_id, spans_in_units(changes, query["offsets"]), actor=acting(),
                                    if_match=if_match())
        return saved(present_claim(claim, query["offsets"]), etag_for(claim.claim))

    @blp.response(204)
    def delete(self, claim_id):
        """Delete a claim (admin)"""
        claims.delete_claim(claim_id, actor=acting(), if_match=if_match())
        return Response(status=204)


@blp.route("/<claim:claim_id>/merge")
class ClaimMerge(MethodView):
    @requires_role("admin")
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(ClaimMergeSchema)
    @blp.response(200, ClaimSchema)
    def post(self, query, data, claim_id):
        """Fold a duplicate claim into this one (admin): its spans, tags, events and verdicts move here; it then answers 404"""
        merged = claim_merge.merge_claims(claim_id, data["duplicate"], actor=acting(), if_match=if_match())
        return saved(present_claim(merged, query["offsets"]), etag_for(merged.claim))
