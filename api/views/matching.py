"""Matching (issue 16): the stored claims a text, or a stored claim, repeats."""
from __future__ import annotations

from flask.views import MethodView

from api.auth import requires_role
from api.presenters.claims import present_claims
from api.services import matching
from api.views.common import Blueprint
from schemas.common import OffsetsQuerySchema
from schemas.matching import MatchFiltersSchema, MatchListSchema, MatchQuerySchema

blp = Blueprint("matching", __name__, url_prefix="/v1/claims",
                description="Has this been checked before? The stored claims a text repeats, best first.")

FILTERS = ("status", "origin", "reviewed_only")


def _present(found: list[matching.ScoredClaim], offsets: str) -> dict:
    claims = present_claims([f.claim for f in found], offsets)
    return {"data": [{"claim": claim, "score": f.score} for claim, f in zip(claims, found)]}


@blp.route("/matches")
class Matches(MethodView):
    @requires_role("reader")
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(MatchQuerySchema)
    @blp.response(200, MatchListSchema)
    def post(self, query, body):
        """The stored claims a text repeats, best first, each with a score in 0..1 (a read: reader role)"""
        found = matching.match_text(body["text"], limit=body["limit"],
                                    filters={name: body.get(name) for name in FILTERS})
        return _present(found, query["offsets"])


@blp.route("/<claim:claim_id>/matches")
class ClaimMatches(MethodView):
    @blp.arguments(MatchFiltersSchema, location="query")
    @blp.response(200, MatchListSchema)
    def get(self, query, claim_id):
        """The other stored claims this claim repeats, best first, each with a score in 0..1"""
        found = matching.match_claim(claim_id, limit=query["limit"],
                                     filters={name: query.get(name) for name in FILTERS})
        return _present(found, query["offsets"])
