from __future__ import annotations

from flask import Response, url_for
from flask.views import MethodView

from api.auth import never_replay, requires_role
from api.domain.errors import NotFound
from api.domain.ids import encode_id
from api.presenters.keys import present_created_key, present_key
from api.services import keys
from api.views.common import Blueprint, acting
from schemas.keys import CreatedKeySchema, KeyCreateSchema, KeySchema

blp = Blueprint("keys", __name__, url_prefix="/v1/keys", description="API keys (admin). Secrets are shown once.")


@blp.route("")
class Keys(MethodView):
    @requires_role("admin")
    @blp.response(200, KeySchema(many=True))
    def get(self):
        """List keys (never their secrets)"""
        return [present_key(key) for key in keys.list_keys()]

    @requires_role("admin")
    @never_replay
    @blp.arguments(KeyCreateSchema)
    @blp.response(201, CreatedKeySchema)
    def post(self, data):
        """Create a key; the response is the only time its secret is shown"""
        created = keys.create_key(data["name"], data["role"], actor=acting())
        return present_created_key(created), 201, {"Location": url_for("keys.Key", key_id=created.key.id),
                                                   "Cache-Control": "no-store"}


@blp.route("/<key:key_id>")
class Key(MethodView):
    @requires_role("admin")
    @blp.response(204)
    def delete(self, key_id):
        """Revoke a key; it stops working on the next request, in every worker"""
        if keys.revoke_key(key_id, actor=acting()) is None:
            raise NotFound.of("key", encode_id("key", key_id))
        return Response(status=204)
