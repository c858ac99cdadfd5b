from __future__ import annotations

from marshmallow import Schema, fields

from api.auth import public
from api.db import database
from api.errors import Problem
from api.views.common import Blueprint

blp = Blueprint("health", __name__, description="Liveness and readiness, open without a key.")


class HealthSchema(Schema):
    status = fields.String()


@blp.route("/healthz")
@public
@blp.response(200, HealthSchema)
def healthz():
    """The process is up"""
    return {"status": "ok"}


@blp.route("/readyz")
@public
@blp.response(200, HealthSchema)
def readyz():
    """The database answers"""
    try:
        database.execute_sql("SELECT 1")
    except Exception:
        raise Problem(503, "The database is not reachable.", slug="database-unavailable",
                      headers={"Retry-After": "5"}) from None
    return {"status": "ready"}
