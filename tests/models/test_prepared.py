"""Prepared queries give exactly what the same peewee query gives, for any values and list lengths (and shapes)."""
from __future__ import annotations

from api.db import database
from api.domain.ids import decode_id
from api.models import Claim, ClaimTag, Person
from api.models.prepared import PreparedQuery, PreparedSelect, row_by_id


def _claims_with_tags(api, samples, n) -> list[int]:
    """The keys of n new claims, each tagged `t<i>` and `shared`."""
    return [decode_id("claim", api.post("/v1/claims", json={"tags": [f"t{i}", "shared"], "appearances": [
        {"source": samples["001"]["id"], "exact": "The three-hour meeting"}]}).json["id"]) for i in range(n)]


def test_a_prepared_query_returns_what_the_peewee_query_returns_for_every_list_length(api, samples):
    keys = _claims_with_tags(api, samples, 5)
    tags_of = PreparedQuery(lambda ids: ClaimTag.select().where(ClaimTag.claim.in_(ids)).order_by(ClaimTag.id))
    with database.connection_context():
        for chosen in ([keys[0]], keys[1:3], keys, keys[::-1], keys[2:3]):
            expected = [(t.claim_id, t.tag) for t in ClaimTag.select().where(ClaimTag.claim.in_(chosen)).order_by(ClaimTag.id)]
            assert [(t.claim_id, t.tag) for t in tags_of(chosen)] == expected and expected


def test_constants_in_a_prepared_query_stay_and_values_are_swapped(api, samples):
    keys = _claims_with_tags(api, samples, 3)
    shared = PreparedQuery(lambda claim: ClaimTag.select().where((ClaimTag.claim == claim) & (ClaimTag.tag == "shared")))
    with database.connection_context():
        for key in keys:
            rows = shared(key)
            assert [(t.claim_id, t.tag) for t in rows] == [(key, "shared")]
        assert shared(max(keys) + 1000) == []


def test_row_by_id_reads_rows_and_answers_none_for_a_missing_key(api, samples):
    person = api.post("/v1/people", json={"name": "Ana O'Brien; DROP TABLE person", "aliases": ["Ana"]}).json
    with database.connection_context():
        stored = Person.get(Person.name == person["name"])
        found = row_by_id(Person, stored.id)
        assert (found.id, found.name, found.alias_list) == (stored.id, stored.name, stored.alias_list)
        assert row_by_id(Person, stored.id + 1) is None


def test_a_prepared_select_converts_each_value_as_its_field_would(api, samples):
    keys = _claims_with_tags(api, samples, 2)
    tagged = PreparedSelect(lambda p: ClaimTag.select().where((ClaimTag.claim == p["claim"]) & (ClaimTag.tag == p["tag"])))
    with database.connection_context():
        claim = Claim.get_by_id(keys[1])  # a model instance: ForeignKeyField.db_value takes its key
        values = {"claim": claim, "tag": "shared"}
        assert tagged.parameters(values) == ClaimTag.select().where((ClaimTag.claim == claim) & (ClaimTag.tag == "shared")).sql()
        assert [(t.claim_id, t.tag) for t in tagged(values)] == [(keys[1], "shared")]
        assert [(t.claim_id, t.tag) for t in tagged({"claim": keys[0], "tag": "t0"})] == [(keys[0], "t0")]
        assert tagged({"claim": keys[0], "tag": "t1"}) == []
        # A None is no parameter: peewee renders it (IS NULL), as a shape of its own.
        assert tagged({"claim": None, "tag": "shared"}) == []
        assert "IS NULL" in tagged.parameters({"claim": None, "tag": "shared"})[0]
