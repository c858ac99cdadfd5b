from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.domain.roles import ROLES
from schemas.common import PublicId, Timestamp, text_field


class KeyCreateSchema(Schema):
    name = text_field(200, required=True, metadata={"example": "desk laptop"})
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class KeySchema(Schema):
    id = PublicId("key")
    name = fields.String()
    role = fields.String()
    created_at = Timestamp()
    revoked_at = Timestamp(allow_none=True)


class CreatedKeySchema(KeySchema):
    key = fields.String(metadata={"description": "The secret: shown this once, never again."})
