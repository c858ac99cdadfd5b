"""Writes run together (models.prepared.run_writes: one statement on PostgreSQL, one after the
other on SQLite) store exactly what they would store one by one, foreign keys between them
included, and fail whole; next_key gives the key the next insert gets, never one a deleted row had."""
from __future__ import annotations

import pytest

from api.db import database, is_postgres
from api.domain.ids import decode_id
from api.models import AuditEntry, Claim, ClaimTag, Verdict
from api.models.prepared import PreparedInsert, PreparedQuery, PreparedStatement, Write, next_key, run_writes

_next_verdict = PreparedQuery(lambda pk: Claim.select(Claim.id, next_key(Verdict)).where(Claim.id == pk).tuples())
_insert_verdict = PreparedInsert(Verdict)
_tagged = PreparedStatement(lambda p: Claim.update(version=Claim.version + 1, status=p["status"]).where(
    Claim.id == p["claim"]))


def _claim(api, samples) -> int:
    response = api.post("/v1/claims", json={"appearances": [{"source": samples["001"]["id"],
                                                              "exact": "We had an extremely productive meeting"}]})
    assert response.status_code == 201
    return decode_id("claim", response.json["id"])


def _verdict(claim: int, key: int) -> tuple[Verdict, Write]:
    return _insert_verdict.write(id=key, claim=claim, rating="unverifiable", rationale="r", reviewer=None,
                                 reviewer_name="unit")


def test_writes_run_together_store_what_they_would_one_by_one(api, samples, count_queries):
    claim = _claim(api, samples)
    with database.connection_context(), database.atomic():
        ((_, key),) = _next_verdict(claim)
        verdict, insert = _verdict(claim, key)
        tag = Write(*ClaimTag.insert(claim=claim, tag="together").sql())
        audit = Write(*AuditEntry.insert(actor_name="unit", action="verdict", resource_type="claim",
                                         resource_id=claim, details="{}").sql())
        count_queries.queries.clear()
        run_writes([insert, _tagged.write({"status": "unverifiable", "claim": claim}), tag, audit])
        assert len(count_queries.queries) == (1 if is_postgres() else 4), count_queries.queries
    with database.connection_context():
        stored = Claim.get_by_id(claim)
        assert (stored.status, stored.version) == ("unverifiable", 2)
        assert Verdict.get_by_id(key).claim_id == claim and verdict.id == key
        assert [t.tag for t in ClaimTag.select().where(ClaimTag.claim == claim)] == ["together"]
        entries = AuditEntry.select().where((AuditEntry.resource_id == claim) & (AuditEntry.action == "verdict"))
        assert entries.count() == 1


def test_writes_run_together_fail_whole(api, samples):
    claim = _claim(api, samples)
    with database.connection_context():
        with pytest.raises(Exception), database.atomic():
            ((_, key),) = _next_verdict(claim)
            _, insert = _verdict(claim, key)
            broken = Write(*ClaimTag.insert(claim=claim + 1000, tag="nowhere").sql())  # no such claim
            run_writes([insert, _tagged.write({"status": "contradicted", "claim": claim}), broken])
        assert Verdict.select().where(Verdict.claim == claim).count() == 0
        assert (Claim.get_by_id(claim).status, Claim.get_by_id(claim).version) == ("unreviewed", 1)


def test_next_key_is_the_key_the_next_row_gets_and_never_a_deleted_rows(api, samples):
    claim, other = _claim(api, samples), _claim(api, samples)
    with database.connection_context():
        with database.atomic():
            ((_, first),) = _next_verdict(claim)
            run_writes([_verdict(claim, first)[1]])
        with database.atomic():  # an insert without a key takes the next one
            ((_, reserved),) = _next_verdict(other)
            reserved_by_insert = _insert_verdict.create(claim=other, rating="unverifiable", rationale="",
                                                        reviewer=None, reviewer_name="unit").id
        assert first < reserved_by_insert
        if not is_postgres():  # nothing taken: the reservation is what the insert got
            assert reserved == reserved_by_insert
        Claim.delete().where(Claim.id == other).execute()  # its verdict goes with it
        with database.atomic():
            ((_, after_delete),) = _next_verdict(claim)
        assert after_delete > reserved_by_insert
