from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.domain.text import fulltext_words, search_words
from schemas.common import (
    PublicId, SpanInSchema, SpanSchema, Timestamp, created_updated_filters, list_query_schema, page_schema, search_field,
    text_field,
)

WIKIDATA = validate.Regexp(r"^Q[1-9][0-9]{0,11}$", error="Not a Wikidata item id like Q22686.")


class PersonWriteSchema(Schema):
    name = text_field(300, metadata={"example": "Volodymyr Zelenskyy"})
    aliases = fields.List(text_field(300), validate=validate.Length(max=100),
                          metadata={"example": ["Zelensky", "Zelenskiy"]})
    description = fields.String(allow_none=True, validate=validate.Length(max=5000))
    wikidata_id = fields.String(allow_none=True, validate=WIKIDATA)
    mentions = fields.List(fields.Nested(SpanInSchema), validate=validate.Length(max=1000))


class PersonCreateSchema(PersonWriteSchema):
    name = text_field(300, required=True, metadata={"example": "Volodymyr Zelenskyy"})


class PersonSchema(Schema):
    id = PublicId("person")
    name = fields.String()
    aliases = fields.List(fields.String())
    description = fields.String(allow_none=True)
    wikidata_id = fields.String(allow_none=True)
    origin = fields.String()
    mentions = fields.List(fields.Nested(SpanSchema))
    created_at = Timestamp()
    updated_at = Timestamp()


class PersonRefSchema(Schema):
    id = PublicId("person")
    name = fields.String()


class MergeSchema(Schema):
    duplicate = PublicId("person", required=True,
                         metadata={"description": "The person folded into this one, then deleted."})


PersonPageSchema = page_schema(PersonSchema, "PersonPage")
PersonQuerySchema = list_query_schema("PersonQuery", ("created_at", "updated_at"), {
    "name": search_field(300, search_words, metadata={"description": "Name or alias, ignoring case, accents and script; each word may be a prefix (at most 20 words)."}),
    "q": search_field(500, fulltext_words, metadata={"description": "Full-text search in names, aliases and description (at most 20 words)."}),
    "wikidata_id": fields.String(validate=WIKIDATA),
    **created_updated_filters(),
})
