from __future__ import annotations

from flask import Response
from flask.views import MethodView

from api.auth import requires_role
from api.presenters.people import present_event, present_events
from api.services import events
from api.services.common import etag_for
from api.views.common import (
    Blueprint, acting, created, if_match, page_result, saved, single, spans_in_units, split_query,
)
from schemas.common import OffsetsQuerySchema
from schemas.events import (
    EventCreateSchema, EventMergeSchema, EventPageSchema, EventQuerySchema, EventSchema, EventWriteSchema,
)

blp = Blueprint("events", __name__, url_prefix="/v1/events",
                description="Events: what happened, when, where, and who took part.")


@blp.route("")
class Events(MethodView):
    @blp.arguments(EventQuerySchema, location="query")
    @blp.response(200, EventPageSchema)
    def get(self, query):
        """List events"""
        filters, paging = split_query(query)
        page = events.list_events(filters, **paging)
        return page_result(present_events(page.items, query["offsets"]), page)

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(EventCreateSchema)
    @blp.response(201, EventSchema)
    def post(self, query, data):
        """Create an event with participants and mentions"""
        event = events.create_event(spans_in_units(data, query["offsets"]), actor=acting())
        return created(present_event(event, query["offsets"]), etag_for(event.event), "events.Event",
                       event_id=event.event.id)


@blp.route("/<event:event_id>")
class Event(MethodView):
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.response(200, EventSchema)
    def get(self, query, event_id):
        """Get an event"""
        event = events.get_event(event_id)
        return single(present_event(event, query["offsets"]), etag_for(event.event))

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(EventWriteSchema)
    @blp.response(200, EventSchema)
    def patch(self, query, changes, event_id):
        """Edit an event; `participants` and `mentions`, when given, replace the lists (If-Match honoured)"""
        event = events.update_event(event_id, spans_in_units(changes, query["offsets"]), actor=acting(),
                                    if_match=if_match())
        return saved(present_event(event, query["offsets"]), etag_for(event.event))

    @blp.response(204)
    def delete(self, event_id):
        """Delete an event (admin)"""
        events.delete_event(event_id, actor=acting(), if_match=if_match())
        return Response(status=204)


@blp.route("/<event:event_id>/merge")
class EventMerge(MethodView):
    @requires_role("admin")
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(EventMergeSchema)
    @blp.response(200, EventSchema)
    def post(self, query, data, event_id):
        """Fold a duplicate event into this one (admin)"""
        merged = events.merge_events(event_id, data["duplicate"], actor=acting(), if_match=if_match())
        return saved(present_event(merged, query["offsets"]), etag_for(merged.event))
