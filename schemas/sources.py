from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from api.domain.text import fulltext_words
from api.domain.vocabulary import DEFAULT_SOURCE_KIND, SOURCE_KINDS
from schemas.common import (
    DateOrTimestamp, PublicId, Timestamp, created_updated_filters, list_query_schema, page_schema, search_field,
    text_field,
)

LANGUAGE = validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", error="Not a BCP 47 language tag like en or pt-BR.")
HTTP_URL = validate.URL(schemes={"http", "https"}, require_tld=False)


def _immutable(value):
    raise ValidationError("Source text cannot change once stored: post the corrected text as a new source.")


class SourceMetadataSchema(Schema):
    kind = fields.String(validate=validate.OneOf(SOURCE_KINDS), metadata={"example": "article"})
    title = fields.String(allow_none=True, validate=validate.Length(max=1000),
                          metadata={"example": "Trump and Putin conclude Alaska summit without Ukraine ceasefire deal"})
    url = fields.String(allow_none=True, validate=[validate.Length(max=2000), HTTP_URL])
    publisher = fields.String(allow_none=True, validate=validate.Length(max=300))
    author = fields.String(allow_none=True, validate=validate.Length(max=300))
    published_at = DateOrTimestamp(keep_offset=True, allow_none=True, metadata={"example": "2025-08-15"})
    language = fields.String(allow_none=True, validate=[validate.Length(max=35), LANGUAGE], metadata={"example": "en"})


class SourceCreateSchema(SourceMetadataSchema):
    kind = fields.String(load_default=DEFAULT_SOURCE_KIND, validate=validate.OneOf(SOURCE_KINDS))
    text = fields.String(required=True, validate=validate.Length(min=1),
                         metadata={"description": "The document text, stored exactly as given (a leading BOM is dropped)."})
    extract = fields.Boolean(load_default=False,
                             metadata={"description": "Also start an extraction job (see POST …/extraction)."})


class SourceUpdateSchema(SourceMetadataSchema):
    text = fields.Raw(validate=_immutable, metadata={"description": "Not editable: always refused."})


class SourceSchema(SourceMetadataSchema):
    id = PublicId("source")
    text_sha256 = fields.String()
    length = fields.Integer(metadata={"description": "Length of the text in code points."})
    length_utf16 = fields.Integer(metadata={"description": "Length of the text in UTF-16 code units."})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    created_at = Timestamp()
    updated_at = Timestamp()


class SourceDetailSchema(SourceSchema):
    text = fields.String()
    extraction = fields.Nested("ExtractionSchema", metadata={
        "description": "Only when created with extract: true and `Prefer: wait=N`, once its job succeeded."})
    job = fields.Nested("JobRefSchema", metadata={"description": "Only when created with extract: true: the "
                                                                 "extraction job (follow it at `href`)."})


SourcePageSchema = page_schema(SourceSchema, "SourcePage")
SourceQuerySchema = list_query_schema("SourceQuery", ("created_at", "updated_at"), {
    "kind": fields.String(validate=validate.OneOf(SOURCE_KINDS)),
    "publisher": text_field(300),
    "q": search_field(500, fulltext_words, metadata={"description": "Full-text search in title and text (at most 20 words)."}),
    **created_updated_filters(),
})
