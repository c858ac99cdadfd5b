from __future__ import annotations

from flask import Response
from flask.views import MethodView

from api.auth import requires_role
from api.presenters.people import present_people, present_person
from api.services import people
from api.services.common import etag_for
from api.views.common import (
    Blueprint, acting, created, if_match, page_result, saved, single, spans_in_units, split_query,
)
from schemas.common import OffsetsQuerySchema
from schemas.people import (
    MergeSchema, PersonCreateSchema, PersonPageSchema, PersonQuerySchema, PersonSchema, PersonWriteSchema,
)

blp = Blueprint("people", __name__, url_prefix="/v1/people",
                description="People, their aliases and where sources mention them.")


@blp.route("")
class People(MethodView):
    @blp.arguments(PersonQuerySchema, location="query")
    @blp.response(200, PersonPageSchema)
    def get(self, query):
        """List people; `name` matches any alias ignoring case and accents"""
        filters, paging = split_query(query)
        page = people.list_people(filters, **paging)
        return page_result(present_people(page.items, query["offsets"]), page)

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(PersonCreateSchema)
    @blp.response(201, PersonSchema)
    def post(self, query, data):
        """Create a person, with mentions given by offsets or quote"""
        person = people.create_person(spans_in_units(data, query["offsets"]), actor=acting())
        return created(present_person(person, query["offsets"]), etag_for(person.person), "people.Person",
                       person_id=person.person.id)


@blp.route("/<person:person_id>")
class Person(MethodView):
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.response(200, PersonSchema)
    def get(self, query, person_id):
        """Get a person with their mentions"""
        person = people.get_person(person_id)
        return single(present_person(person, query["offsets"]), etag_for(person.person))

    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(PersonWriteSchema)
    @blp.response(200, PersonSchema)
    def patch(self, query, changes, person_id):
        """Edit a person; `mentions`, when given, replaces the list (If-Match honoured)"""
        person = people.update_person(person_id, spans_in_units(changes, query["offsets"]), actor=acting(),
                                      if_match=if_match())
        return saved(present_person(person, query["offsets"]), etag_for(person.person))

    @blp.response(204)
    def delete(self, person_id):
        """Delete a person (admin); their claims keep no claimant"""
        people.delete_person(person_id, actor=acting(), if_match=if_match())
        return Response(status=204)


@blp.route("/<person:person_id>/merge")
class PersonMerge(MethodView):
    @requires_role("admin")
    @blp.arguments(OffsetsQuerySchema, location="query")
    @blp.arguments(MergeSchema)
    @blp.response(200, PersonSchema)
    def post(self, query, data, person_id):
        """Fold a duplicate person into this one (admin)"""
        merged = people.merge_people(person_id, data["duplicate"], actor=acting(), if_match=if_match())
        return saved(present_person(merged, query["offsets"]), etag_for(merged.person))
