from __future__ import annotations

from flask import Response
from flask.views import MethodView

from api.auth import key_check, key_confirmed_by_read
from api.presenters.sources import (
    present_annotations, present_extraction, present_source, present_sources,
)
from api.domain.vocabulary import JOB_SUCCEEDED
from api.services import annotations, extraction, jobs, sources
from api.services.common import etag_for
from api.services.keys import KeyCheck
from api.views.common import (
    Blueprint, acting, acting_role, created, if_match, list_cached, page_result, preferred_wait, saved, single,
    split_query,
)
from api.views.jobs import answer_when_done, job_ref
from schemas.annotations import AnnotationListSchema
from schemas.common import OffsetsQuerySchema
from schemas.extraction import ExtractionSchema
from schemas.jobs import JobSchema
from schemas.sources import (
    SourceCreateSchema, SourceDetailSchema, SourcePageSchema, SourceQuerySchema, SourceSchema, SourceUpdateSchema,
)

ANNOTATION_LIST_SCHEMA = AnnotationListSchema()

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

        With `extract`, an extraction job starts once the source is stored (`job` in the answer;
        follow it at /v1/jobs/{id}); a text over the extraction limit is refused first (413) and
        stores nothing. With `Prefer: wait=N` as well and the job done within N seconds (N at most
        60), the answer carries what it stored in `extraction`, as a synchronous call would.
        """
        source = sources.create_source(data, actor=acting(), extract=data.pop("extract"), role=acting_role())
        job = source.job
        applied = {}
        wait = preferred_wait() if job is not None else None
        if wait is not None:
            job = jobs.wait_for(job.id, wait)
            applied = {"Preference-Applied": f"wait={wait}"}
            if job.status == JOB_SUCCEEDED:
                source = sources.source_after_extraction(source.source.id, jobs.job_result(job))
        body = present_source(source)
        if job is not None:
            body["job"] = job_ref(job)
        answer = created(body, etag_for(source.source, source.counts), "sources.Source", source_id=source.source.id)
        return answer[0], answer[1], {**answer[2], **applied}


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
    @blp.response(200, ExtractionSchema, description="With `Prefer: wait=N`, when the job finished in time: "
                                                     "what it stored.")
    @blp.alt_response(202, schema=JobSchema, description="The extraction job, started (Location: /v1/jobs/{id}).")
    def post(self, query, source_id):
        """Start an extraction job: it stores proposed people, events and claims (nothing twice)

        Answers 202 with the job (`Location: /v1/jobs/{id}`). With `Prefer: wait=N` (RFC 7240; N at
        most 60) and the job done within N seconds: 200 with what it stored, or the job's problem
        (413, 422), and `Preference-Applied`. 404 for an unknown source, 413 for a text over the
        extraction limit, before any job starts.
        """
        job = extraction.submit_extraction(source_id, actor=acting(), role=acting_role())
        offsets = query["offsets"]
        return answer_when_done(job, lambda result: present_extraction(extraction.summary_from_ids(result), offsets))


@blp.route("/<source:source_id>/annotations")
class SourceAnnotations(MethodView):
    @key_confirmed_by_read
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.response(200, AnnotationListSchema)
    def get(self, query, source_id):
        """Every span in the source, by position: claims with status, mentions, evidence with stance"""
        offsets = query["offsets"]
        key, version, _ = annotations_representation(source_id, offsets, key_check())
        return list_cached(key, version, lambda: ANNOTATION_LIST_SCHEMA.dump(
            {"data": present_annotations(annotations.source_annotations(source_id), offsets)}))


def annotations_representation(source_id: int, offsets: str, check: KeyCheck | None) -> tuple[tuple, list, None]:
    """(the key of the source's annotations in REPRESENTATIONS, their current version, no ETag: the
    list never had one), read in one statement that also confirms `check` (Unauthenticated once
    revoked; NotFound). The view's and the read served before Flask (api.cached_reads)."""
    return ("annotations", source_id, offsets), annotations.annotation_versions(source_id, check), None


@blp.route("/<source:source_id>/text")
class SourceText(MethodView):
    @blp.response(200, {"type": "string"}, content_type="text/plain")
    def get(self, source_id):
        """The source text exactly as stored, as text/plain"""
        source = sources.get_source_text(source_id)
        response = Response(source.text, mimetype="text/plain")
        response.headers["ETag"] = f'"{source.text_sha256}"'
        return response
