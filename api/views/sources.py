from __future__ import annotations

from flask import Response
from flask.views import MethodView

from api.presenters.sources import (
    present_annotations, present_extraction, present_source, present_sources,
)
from api.services import annotations, extraction, sources
from api.services.common import etag_for
from api.views.common import Blueprint, acting, created, if_match, page_result, saved, single, split_query
from schemas.annotations import AnnotationListSchema
from schemas.common import OffsetsQuerySchema
from schemas.extraction import ExtractionSchema
from schemas.sources import (
    SourceCreateSchema, SourceDetailSchema, SourcePageSchema, SourceQuerySchema, SourceSchema, SourceUpdateSchema,
)

blp = Blueprint("sources", __name__, url_prefix="/v1/sources",
                description="Stored documents. Text is immutable; metadata may be edited.")


@blp.route("")
class Sources(MethodView):
    @blp.arguments(SourceQuerySchema, location="query")
    @blp.response(200, SourcePageSchema)
    def get(self, query):
        """List sources (without their text)"""
        filters, paging = split_query(query)
        page = sources.list_sources(filters, **paging)
        return page_result(present_sources(page.items), page)

    @blp.arguments(SourceCreateSchema)
    @blp.response(201, SourceDetailSchema)
    def post(self, data):
        """Store a source; 409 if the same text is already stored

        With `extract`, the pipeline runs in the same use case: a text it refuses (413, 422) stores nothing.
        """
        source = sources.create_source(data, actor=acting(), extract=data.pop("extract"))
        return created(present_source(source), etag_for(source.source, source.counts), "sources.Source",
                       source_id=source.source.id)


@blp.route("/<source:source_id>")
class Source(MethodView):
    @blp.response(200, SourceDetailSchema)
    def get(self, source_id):
        """Get a source with its text"""
        source = sources.get_source(source_id)
        return single(present_source(source), etag_for(source.source, source.counts))

    @blp.arguments(SourceUpdateSchema)
    @blp.response(200, SourceSchema)
    def patch(self, changes, source_id):
        """Edit a source's metadata (If-Match honoured)"""
        source = sources.update_source(source_id, changes, actor=acting(), if_match=if_match())
        return saved(present_sources([source])[0], etag_for(source.source, source.counts))

    @blp.response(204)
    def delete(self, source_id):
        """Delete a source no claim or mention points into (admin)"""
        sources.delete_source(source_id, actor=acting(), if_match=if_match())
        return Response(status=204)


@blp.route("/<source:source_id>/extraction")
class SourceExtraction(MethodView):
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.response(200, ExtractionSchema)
    def post(self, query, source_id):
        """Run the extraction pipeline: store proposed people, events and claims (nothing twice)"""
        return present_extraction(extraction.run_extraction(source_id, actor=acting()), query["offsets"])


@blp.route("/<source:source_id>/annotations")
class SourceAnnotations(MethodView):
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.response(200, AnnotationListSchema)
    def get(self, query, source_id):
        """Every span in the source, by position: claims with status, mentions, evidence with stance"""
        return {"data": present_annotations(annotations.source_annotations(source_id), query["offsets"])}


@blp.route("/<source:source_id>/text")
class SourceText(MethodView):
    @blp.response(200, {"type": "string"}, content_type="text/plain")
    def get(self, source_id):
        """The source text exactly as stored, as text/plain"""
        source = sources.get_source_text(source_id)
        response = Response(source.text, mimetype="text/plain")
        response.headers["ETag"] = f'"{source.text_sha256}"'
        return response
