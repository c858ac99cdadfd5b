"""Importing ClaimReview feeds, and the claim merge body."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import PublicId

ITEM_STATUSES = ("created", "updated", "unchanged", "error")


class ImportItemSchema(Schema):
    index = fields.Integer(required=True, metadata={"description": "The item's 0-based position in the body "
                                                    "(for claims:search: across all claims' claimReview entries)."})
    status = fields.String(required=True, validate=validate.OneOf(ITEM_STATUSES))
    review_url = fields.String(allow_none=True)
    claim = PublicId("claim", allow_none=True, metadata={"description": "The claim the review is (absent on error)."})
    rating = fields.String(allow_none=True, metadata={"description": "The verdict rating it was mapped to."})
    reason = fields.String(allow_none=True, metadata={"description": "Why the item was not imported (error only)."})
    field = fields.String(allow_none=True, metadata={"description": "The item's field at fault (error only)."})


class ImportReportSchema(Schema):
    counts = fields.Dict(keys=fields.String(validate=validate.OneOf(ITEM_STATUSES)), values=fields.Integer(),
                         required=True)
    items = fields.List(fields.Nested(ImportItemSchema), required=True)


class ClaimMergeSchema(Schema):
    duplicate = PublicId("claim", required=True,
                         metadata={"description": "The claim folded into this one, then deleted (it answers 404)."})
