"""Matching over stored claims, called with plain values, on a real database (SQLite, and
PostgreSQL when configured): embedding, the per-process matcher, and extraction's auto-link."""
from __future__ import annotations

import json

import numpy as np
import pytest

from api.matching import Claim as CoreClaim, Matcher
from api.matching.lexical import terms
from api.models import AuditEntry, Claim, ClaimEmbedding, MatchingState, MatchingTerm
from api.services import matching
from api.services.claims import create_claim, get_claim, update_claim
from api.services import jobs
from api.services.extraction import submit_extraction, summary_from_ids
from api.services.sources import create_source, update_source
from api.services.verdicts import record_verdict

CHECKS = [
    ("Did Lady Gaga say she eats Oreos every day?", "Lady Gaga said she eats Oreo cookies every single day."),
    ("Does the COVID-19 vaccine alter DNA?", "The COVID-19 vaccine alters the DNA of the people who get it."),
    ("Was the moon landing filmed in a studio?", "The 1969 moon landing was filmed in a Hollywood studio."),
    ("Do 5G towers spread viruses?", "5G mobile phone towers spread the coronavirus."),
    ("Is drinking bleach a cure?", "Drinking bleach cures the coronavirus infection."),
]
QUERIES = ["covid vaccines change your DNA", "Gaga oreos", "5G and the coronavirus", "was the moon landing fake?",
           "bleach", "nothing in common here"]


def store(checker, title, text) -> int:
    source = create_source({"kind": "other", "title": title, "text": text}, actor=checker).source.id
    return create_claim({"appearances": [{"source": source, "start": 0, "end": len(text)}]}, actor=checker).claim.id


@pytest.fixture
def checks(db, checker) -> list[int]:
    ids = [store(checker, title, text) for title, text in CHECKS]
    assert matching.embed_stale() == len(CHECKS)
    return ids


def test_stored_vectors_and_terms_are_those_of_the_title_and_text(checks):
    row = ClaimEmbedding.get_by_id(checks[1])
    text = "Does the COVID-19 vaccine alter DNA?. The COVID-19 vaccine alters the DNA of the people who get it."
    assert matching.indexed_texts([checks[1]]) == {checks[1]: text}
    vector = np.frombuffer(row.vector, dtype="<f4")
    assert vector.shape == (384,) and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
    assert row.terms.split() == terms(text)  # stemmed, stop words out: "vaccin", "peopl"
    assert {"vaccin", "peopl", "dna"} <= set(row.terms.split()) and "the" not in row.terms.split()
    assert row.model == matching.model_name()


def stored_statistics() -> tuple[int, int, dict[str, int]]:
    state = MatchingState.get_by_id(1)
    return state.documents, state.total_length, {t: df for t, df in MatchingTerm.select(
        MatchingTerm.term, MatchingTerm.df).where(MatchingTerm.df > 0).tuples()}


def counted_statistics() -> tuple[int, int, dict[str, int]]:
    rows = [words.split() for words, in ClaimEmbedding.select(ClaimEmbedding.terms).tuples()]
    frequencies: dict[str, int] = {}
    for words in rows:
        for term in set(words):
            frequencies[term] = frequencies.get(term, 0) + 1
    return len(rows), sum(map(len, rows)), frequencies


def test_bm25_statistics_follow_every_write_and_delete_of_the_stored_terms(checks, checker):
    from api.services.claims import delete_claim
    assert stored_statistics() == counted_statistics() and stored_statistics()[0] == len(checks)
    update_claim(checks[0], {"text": "Lady Gaga never eats cookies."}, actor=checker)
    matching.embed_stale()  # the row is replaced
    assert stored_statistics() == counted_statistics()
    delete_claim(checks[1], actor=checker)  # the row goes by cascade
    assert stored_statistics() == counted_statistics() and stored_statistics()[0] == len(checks) - 1
    assert "vaccin" not in stored_statistics()[2]


def test_the_full_text_index_finds_exactly_the_rows_holding_a_term(checks):
    postings = matching.DatabasePostings()
    found = {pk for pk, _ in postings.containing(["coronavirus"])}
    assert found == {checks[3], checks[4]}
    assert all("coronavirus" in words for _, words in postings.containing(["coronavirus"]))
    assert {pk for pk, _ in postings.containing(["coronavirus", "dna"])} == {checks[1], checks[3], checks[4]}
    assert [pk for pk, _ in postings.containing(["coronavirus", "dna"], limit=2)] == sorted([checks[1], checks[3]])
    assert list(postings.containing(["coronaviru"])) == []  # whole terms only, no prefixes
    assert list(postings.containing(["nosuchterm"])) == []
    assert set(postings.terms_of([checks[0], 10**9])) == {checks[0]}


def test_the_database_path_answers_exactly_as_the_core_built_from_the_texts(checks):
    """Same terms and vectors into the same indexes: the same ids and scores as api.matching.Matcher."""
    texts = matching.indexed_texts(checks)
    core = Matcher([CoreClaim(id=pk, text=texts[pk]) for pk in checks])
    for query in QUERIES:
        stored = [(found.claim.claim.id, found.score) for found in matching.match_text(query, limit=10)]
        assert stored == [(m.claim_id, m.score) for m in core.match(query, limit=10)]


def test_nothing_is_stale_after_embedding_and_an_edit_makes_one_claim_stale(checks, checker):
    assert matching.stale_claim_ids() == []
    update_claim(checks[0], {"text": "Lady Gaga never eats cookies."}, actor=checker)
    assert matching.stale_claim_ids() == [checks[0]]
    assert matching.embed_stale() == 1 and matching.stale_claim_ids() == []


def test_a_changed_source_title_makes_its_claims_stale(checks, checker):
    source = get_claim(checks[2]).appearances[0].source_id
    update_source(source, {"title": "Apollo 11 hoax rumours"}, actor=checker)
    assert matching.stale_claim_ids() == [checks[2]]


def test_the_matcher_takes_in_rows_written_since_it_was_built(checks, checker):
    before = matching.current_matcher()
    assert matching.current_matcher() is before and before.size == len(checks)  # nothing changed
    added = store(checker, "Are sharks in the flooded streets?", "A shark swims in the flooded streets of Houston.")
    assert matching.current_matcher().size == len(checks)  # not embedded yet: not known
    matching.embed_claims([added])
    assert matching.current_matcher().size == len(checks) + 1
    assert matching.match_text("shark in houston flood", limit=1)[0].claim.claim.id == added


def test_an_updated_matcher_answers_as_one_built_from_scratch(checks, checker):
    matching.current_matcher()
    update_claim(checks[0], {"text": "Lady Gaga bakes her own cookies."}, actor=checker)
    added = store(checker, "Are sharks in the flooded streets?", "A shark swims in the flooded streets of Houston.")
    matching.embed_stale()
    updated = matching.current_matcher()
    texts = matching.indexed_texts(checks + [added])
    scratch = Matcher([CoreClaim(id=pk, text=texts[pk]) for pk in sorted(texts)])
    for query in QUERIES + ["Gaga cookies", "shark"]:
        assert updated.match(query, limit=10) == scratch.match(query, limit=10)


def test_a_deleted_claim_leaves_the_matcher_at_its_next_update(checks, checker):
    from api.services.claims import delete_claim
    matching.current_matcher()
    delete_claim(checks[1], actor=checker)
    assert matching.match_text("covid vaccine DNA", limit=50)[0].claim.claim.id != checks[1]
    matching.embed_claims([checks[0]])  # any write: the next query reads the rows again
    assert checks[1] not in matching.current_matcher().ids


def test_filters_and_exclusion(checks, checker):
    everything = [found.claim.claim.id for found in matching.match_text("coronavirus", limit=50)]
    assert set(everything) == set(checks)
    without = [found.claim.claim.id for found in matching.match_text("coronavirus", limit=50, exclude=[checks[3]])]
    assert checks[3] not in without and len(without) == len(checks) - 1
    assert matching.match_text("coronavirus", filters={"origin": "extracted"}) == []
    assert matching.match_text("coronavirus", filters={"reviewed_only": True}) == []


def test_a_narrow_filter_finds_a_reviewed_claim_below_many_unreviewed_near_copies(checks, checker):
    # "Was this checked before?" asks for reviewed claims; extraction can store far more
    # unreviewed near-copies of a rumour than the 50 + 50 candidates a query pools first.
    copies = [store(checker, "Posts", f"Covid vaccines change your DNA, says post number {n}.") for n in range(120)]
    checked = store(checker, "Fact check", "A vaccine rewrites the human genetic code.")
    record_verdict(checked, {"rating": "false", "rationale": "mRNA never enters the nucleus.", "evidence": []},
                   reviewer=checker)
    matching.embed_stale()
    unfiltered = [m.claim.claim.id for m in matching.match_text("covid vaccines change your DNA", limit=100)]
    assert checked not in unfiltered and set(unfiltered) <= set(copies) | set(checks)
    found = matching.match_text("covid vaccines change your DNA", limit=5, filters={"reviewed_only": True})
    assert [m.claim.claim.id for m in found] == [checked]


def test_a_claim_matches_the_others_not_itself(checks, checker):
    repeat = store(checker, "Our story", "Getting the COVID vaccine alters your DNA.")
    found = matching.match_claim(repeat, limit=3)
    assert found[0].claim.claim.id == checks[1] and repeat not in [f.claim.claim.id for f in found]


# Extraction's auto-link: a proposed claim whose best match scores ≥ AUTO_LINK_THRESHOLD with a cosine
# ≥ AUTO_LINK_MIN_COSINE becomes an appearance of the stored claim; else a claim of its own whose
# candidates GET …/matches lists. The second case is a paraphrase that a two-claim collection scores
# ≥ 0.96 (relative features) but whose cosine, 0.63, is below the floor.
ARTICLE = ("Senator Jane Smith said on Tuesday that unemployment fell to 3.5 percent last year. "
           "She also claimed that the new bridge cost taxpayers 40 million dollars.")


def extracted_claims(checker, text, title="Report") -> tuple[int, list]:
    """Extraction as it runs: a job on the session's consumer; its summary read back from the result."""
    source = create_source({"kind": "article", "title": title, "text": text}, actor=checker).source.id
    job = jobs.wait_for(submit_extraction(source, actor=checker, role="checker").id, 300)
    assert job.status == "succeeded", job.error
    return source, summary_from_ids(json.loads(job.result))


def test_a_repeated_claim_becomes_an_appearance_of_the_stored_one_with_an_audit_entry(db, checker):
    _, first = extracted_claims(checker, ARTICLE)
    assert first.claims and first.linked == []
    matching.embed_stale()
    source, again = extracted_claims(checker, "Breaking. " + ARTICLE, title="Another paper")
    assert again.claims == []
    assert sorted(again.linked) == sorted(d.claim.id for d in first.claims)
    assert Claim.select().count() == len(first.claims)
    for known in again.linked:
        sources = [a.source_id for a in get_claim(known).appearances]
        assert source in sources and len(sources) == 2
        entry = AuditEntry.get((AuditEntry.action == "link") & (AuditEntry.resource_id == known))
        details = json.loads(entry.details)
        assert details["score"] >= matching.AUTO_LINK_THRESHOLD and entry.actor_name == checker.name


def test_a_claim_below_the_threshold_is_stored_and_its_candidates_are_listed(db, checker):
    _, first = extracted_claims(checker, ARTICLE)
    matching.embed_stale()
    _, other = extracted_claims(checker, "Senator Jane Smith said that employment in the region rose last year.")
    assert other.linked == [] and len(other.claims) == 1
    new = other.claims[0].claim.id
    candidates = matching.match_claim(new)
    assert candidates and new not in [c.claim.claim.id for c in candidates]
    assert candidates[0].claim.claim.text == "unemployment fell to 3.5 percent last year"
    assert not AuditEntry.select().where(AuditEntry.action == "link").exists()


def test_the_link_rule_needs_both_the_score_and_the_cosine():
    assert matching.links_to((1, 0.97, 0.70))
    assert not matching.links_to((1, 0.95, 0.99))
    assert not matching.links_to((1, 0.99, 0.60))
    assert not matching.links_to(None)


# The saved vector index (CLAIMTRACK_MATCHING_INDEX_DIR): saved by the sweep or the command, mapped by
# every process instead of each building the graph.


@pytest.fixture
def index_dir(tmp_path):
    matching.configure(index_dir=str(tmp_path / "index"))
    matching._built.clear()  # as in a process started now
    yield tmp_path / "index"
    matching.configure(index_dir=None)
    matching._built.clear()


def test_without_an_index_directory_nothing_is_saved(checks):
    assert matching.save_vector_index() is None
    assert not matching.current_matcher().vectors.mapped


def test_a_saved_index_is_mapped_and_answers_as_a_graph_built_in_memory(checks, index_dir):
    built = matching.current_matcher()  # nothing saved yet: built in memory
    assert not built.vectors.mapped
    path = matching.save_vector_index()
    assert path is not None and path.parent == index_dir and path.is_file()
    assert matching.save_vector_index() is None  # nothing written since
    matching._built.clear()
    mapped = matching.current_matcher()
    assert mapped.vectors.mapped and mapped.size == len(checks)
    for query in QUERIES:
        assert mapped.match(query, limit=10) == built.match(query, limit=10)


def test_rows_written_after_the_save_go_beside_the_mapped_index_until_a_newer_one_is_saved(checks, index_dir, checker):
    first = matching.save_vector_index()
    matching._built.clear()
    assert matching.current_matcher().vectors.mapped
    added = store(checker, "Are sharks in the flooded streets?", "A shark swims in the flooded streets of Houston.")
    update_claim(checks[0], {"text": "Lady Gaga bakes her own cookies."}, actor=checker)
    matching.embed_stale()
    matcher = matching.current_matcher()
    assert matcher.vectors.mapped and matcher.vectors.overlay == 2
    assert matching.match_text("shark in houston flood", limit=1)[0].claim.claim.id == added
    texts = matching.indexed_texts(checks + [added])
    scratch = Matcher([CoreClaim(id=pk, text=texts[pk]) for pk in sorted(texts)])
    for query in QUERIES + ["Gaga cookies", "shark"]:
        assert [m.claim_id for m in matcher.match(query, limit=10)] == [m.claim_id for m in scratch.match(query, limit=10)]
    second = matching.save_vector_index()  # 2 of 5 rows changed: over 5 %
    assert second is not None and second != first
    remapped = matching.current_matcher()
    assert remapped is not matcher and remapped.vectors.mapped and remapped.vectors.overlay == 0
    assert remapped.size == len(checks) + 1
