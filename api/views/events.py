from __future__ import annotations

from flask import Response
from flask.views import MethodView

from api.auth import requires_role
from api.services import events
from api.views.common import Blueprint, created, page_result, pk_of, saved, single, split_query
from schemas.common import OffsetsQuerySchema
from schemas.events import EventCreateSchema, EventMergeSchema, EventPageSchema, EventQuerySchema, EventSchema, EventWriteSchema

blp = Blueprint("events", __name__, url_prefix="/v1/events",
                description="Events: what happened, when, where, and who took part.")


@blp.route("")
class Events(MethodView):
    @blp.arguments(EventQuerySchema, location="query")
    @blp.response(200, EventPageSchema)
    def get(self, query):
        """List events"""
        filters, paging = split_query(query)
        return page_result(events.list_events(filters, **paging, offsets=query["offsets"]))

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(EventCreateSchema)
    @blp.response(201, EventSchema)
    def post(self, query, data):
        """Create an event with participants and mentions"""
        return created(events.create_event(data, offsets=query["offsets"]), "events.Event")


@blp.route("/<event_id>")
class Event(MethodView):
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.response(200, EventSchema)
    def get(self, query, event_id):
        """Get an event"""
        return single(events.get_event(pk_of("event", event_id), event_id, offsets=query["offsets"]))

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(EventWriteSchema)
    @blp.response(200, EventSchema)
    def patch(self, query, changes, event_id):
        """Edit an event; `participants` and `mentions`, when given, replace the lists (If-Match honoured)"""
        return saved(events.update_event(pk_of("event", event_id), event_id, changes, offsets=query["offsets"]))

    @blp.response(204)
    def delete(self, event_id):
        """Delete an event (admin)"""
        events.delete_event(pk_of("event", event_id), event_id)
        return Response(status=204)


@blp.route("/<event_id>/merge")
class EventMerge(MethodView):
    @requires_role("admin")
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(EventMergeSchema)
    @blp.response(200, EventSchema)
    def post(self, query, data, event_id):
        """Fold a duplicate event into this one (admin)"""
        return saved(events.merge_events(pk_of("event", event_id), event_id, data["duplicate"], offsets=query["offsets"]))
