from __future__ import annotations

from marshmallow import Schema, fields

from api.auth import public
from api.db import SchemaNotReady, check_schema
from api.errors import Problem
from api.views.common import Blueprint

blp = Blueprint("health", __name__, description="Liveness and readiness, open without a key.")


class HealthSchema(Schema):
    status = fields.String()


@blp.route("/healthz")
@public
@blp.response(200, HealthSchema)
def healthz():
    """The process is up (liveness: never touches the database)"""
    return {"status": "ok"}


@blp.route("/readyz")
@public
@blp.response(200, HealthSchema)
def readyz():
    """The database answers and its schema is up to date (readiness)"""
    try:
        check_schema()
    except SchemaNotReady as error:
        raise Problem(503, str(error), slug="schema-not-ready", headers={"Retry-After": "30"}) from None
    except Exception:
        raise Problem(503, "The database is not reachable.", slug="database-unavailable",
                      headers={"Retry-After": "5"}) from None
    return {"status": "ready"}
