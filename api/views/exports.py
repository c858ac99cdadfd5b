from __future__ import annotations

from typing import Iterator

from flask import Response, stream_with_context
from flask.views import MethodView
from marshmallow import Schema

from api.db import database
from api.presenters.export import export_lines
from api.views.common import Blueprint

blp = Blueprint("exports", __name__, url_prefix="/v1",
                description="The whole database as NDJSON, for backups and moving to another database.")

ExportQuerySchema = Schema.from_dict({}, name="ExportQuery")  # no parameters: unknown ones are 422


def streamed_response(chunks: Iterator[str], mimetype: str, filename: str) -> Response:
    """Stream chunks made by database reads as a download.

    The body is produced after the view returns, when the request's connection may be
    closed (teardown_request): the generator holds a connection of its own until done.
    """
    def generate():
        with database.connection_context():
            yield from chunks
    return Response(stream_with_context(generate()), mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@blp.route("/export")
class Export(MethodView):
    @blp.arguments(ExportQuerySchema, location="query")
    @blp.response(200, content_type="application/x-ndjson",
                  description="One JSON object per line: sources, people, events, mentions, claims, verdicts, "
                              "imported reviews (API keys are never exported). `claimtrack import` loads it into "
                              "an empty database.")
    @blp.doc(responses={200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}}})
    def get(self, query):
        """Export everything as NDJSON (streamed)"""
        lines = (line + "\n" for line in export_lines())
        return streamed_response(lines, "application/x-ndjson", "claimtrack-export.ndjson")
