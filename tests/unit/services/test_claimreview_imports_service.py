"""The import and merge services called with plain values, on real databases."""
from __future__ import annotations

import json

import pytest

from api.domain.errors import Invalid
from api.models import AuditEntry, Claim, ImportedReview, Source, Verdict, WebhookEvent
from api.services.claim_merge import merge_claims
from api.services.claimreview_imports import find_claimant, import_reviews
from api.services.people import create_person


def review(n: int = 1, **overrides) -> dict:
    return {"@type": "ClaimReview", "url": f"https://desk.example/{n}", "claimReviewed": f"Statement {n}.",
            "author": {"name": "Desk"}, "reviewRating": {"alternateName": "Mostly False"}, **overrides}


def test_each_review_is_a_claim_a_source_a_verdict_and_a_record(db, checker):
    report = import_reviews([review(1), review(2)], actor=checker)
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}
    assert Claim.select().where(Claim.origin == "imported").count() == 2
    assert Source.select().count() == ImportedReview.select().count() == Verdict.select().count() == 2
    stored = ImportedReview.get(ImportedReview.review_url == "https://desk.example/1")
    assert (stored.rating_text, stored.publisher) == ("Mostly False", "Desk")
    assert AuditEntry.select().where(AuditEntry.resource_type == "claim").count() == 4  # create + verdict each


def test_an_import_writes_the_webhook_events_of_what_it_stored(db, checker):
    import_reviews([review(1)], actor=checker)
    events = [json.loads(e.body) for e in WebhookEvent.select().order_by(WebhookEvent.id)]
    assert [e["type"] for e in events] == ["source.created", "claim.created", "verdict.recorded"]
    assert events[1]["data"]["origin"] == "imported"
    assert events[2]["data"]["claim"] == events[1]["data"]["id"] and events[2]["data"]["claim_status"] == "contradicted"
    import_reviews([review(1, claimReviewed="Statement 1, reworded.")], actor=checker)
    updated = json.loads(WebhookEvent.select().where(WebhookEvent.type == "claim.updated").get().body)
    assert (updated["data"]["id"], updated["data"]["fields"]) == (events[1]["data"]["id"], ["text"])


def test_a_malformed_item_stores_nothing_and_is_reported(db, checker):
    report = import_reviews([review(1, claimReviewed=None), review(2)], actor=checker)
    assert [(i.index, i.status) for i in report.items] == [(0, "error"), (1, "created")]
    assert Source.select().count() == Claim.select().count() == 1


def test_progress_is_reported_after_each_committed_batch(db, checker, monkeypatch):
    from api.services import claimreview_imports
    monkeypatch.setattr(claimreview_imports, "BATCH", 2)
    seen = []
    import_reviews([review(1), review(2), review(3)], actor=checker, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 3), (3, 3)]


def test_a_body_of_no_accepted_shape_raises_invalid(db, checker):
    with pytest.raises(Invalid):
        import_reviews("nope", actor=checker)


def test_the_claimant_lookup_needs_the_whole_name_and_one_person(db, checker):
    jane = create_person({"name": "Jane Doe", "aliases": ["J. Doe"]}, actor=checker).person
    create_person({"name": "Jane Doenitz"}, actor=checker)
    assert find_claimant("jane doe") == jane.id
    assert find_claimant("J. Doe") == jane.id
    assert find_claimant("Jane") is None  # a prefix of two people: not a person
    assert find_claimant("Someone Else") is None


def test_merging_imported_claims_keeps_both_reviews_and_both_verdicts(db, checker):
    first, second = (i.claim_id for i in import_reviews([review(1), review(2)], actor=checker).items)
    merged = merge_claims(first, second, actor=checker)
    assert merged.claim.id == first
    assert Verdict.select().where(Verdict.claim == first).count() == 2
    assert ImportedReview.select().where(ImportedReview.claim == first).count() == 2
    assert Claim.get_or_none(Claim.id == second) is None
