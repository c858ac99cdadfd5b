from __future__ import annotations

import json

from marshmallow import Schema, ValidationError, fields, validate

from api.domain.ids import decode_id, encode_id, kind_of_id
from api.domain.vocabulary import AUDIT_ACTIONS, AUDIT_RESOURCE_TYPES
from schemas.common import PublicId, Timestamp, list_query_schema, page_schema

ACTIONS = AUDIT_ACTIONS
RESOURCE_TYPES = AUDIT_RESOURCE_TYPES


class ResourceId(fields.String):
    """Any resource's public id; loads as (type, key)."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        kind = kind_of_id(value)
        pk = decode_id(kind, value) if kind in RESOURCE_TYPES else None
        if pk is None:
            raise ValidationError("Not the id of a source, person, event, claim, key or webhook.")
        return kind, pk


class AuditEntrySchema(Schema):
    id = PublicId("audit")
    at = Timestamp()
    actor = fields.Function(lambda e: {"id": encode_id("key", e.actor_key_id) if e.actor_key_id else None,
                                       "name": e.actor_name})
    action = fields.String()
    resource = fields.Function(lambda e: encode_id(e.resource_type, e.resource_id))
    resource_type = fields.String()
    details = fields.Function(lambda e: json.loads(e.details))


AuditPageSchema = page_schema(AuditEntrySchema, "AuditPage")
AuditQuerySchema = list_query_schema("AuditQuery", ("at",), {
    "action": fields.String(validate=validate.OneOf(ACTIONS)),
    "resource_type": fields.String(validate=validate.OneOf(RESOURCE_TYPES)),
    "resource": ResourceId(metadata={"description": "Entries about this resource (any id: clm_…, src_…)."}),
    "actor": PublicId("key", metadata={"description": "Entries made with this API key."}),
    "after": Timestamp(), "before": Timestamp(),
}, default_sort="-at")
