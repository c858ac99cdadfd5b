from __future__ import annotations

from flask.views import MethodView

from api.auth import requires_role
from api.services import audit
from api.views.common import Blueprint, page_result, split_query
from schemas.audit import AuditPageSchema, AuditQuerySchema

blp = Blueprint("audit", __name__, url_prefix="/v1/audit", description="Who changed what, when (admin).")


@blp.route("")
class Audit(MethodView):
    @requires_role("admin")
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditPageSchema)
    def get(self, query):
        """The audit trail, newest first"""
        filters, paging = split_query(query)
        if "resource" in filters:
            filters["resource_type"], filters["resource_id"] = filters.pop("resource")
        if "actor" in filters:
            filters["actor_key_id"] = filters.pop("actor")
        page = audit.list_entries(filters, **paging)
        return page_result(page.items, page)
