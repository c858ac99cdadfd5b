"""The evaluation measures of tools/matching_eval.py, on hand-computed examples."""
import pytest

from tools.matching_eval import map_at_k, precision_at, precision_threshold, recall_at_k, threshold_stats

QRELS = {"q1": {"a"}, "q2": {"b", "c"}, "q3": {"d"}, "q4": {"e"}}
RUN = {
    "q1": ["a", "x", "y"],  # AP = 1/1
    "q2": ["x", "b", "y", "c", "z"],  # hits at 2 and 4: (1/2 + 2/4) / 2 = 0.5
    "q3": ["x", "y", "z", "w", "v", "d"],  # answer at rank 6: outside the top 5, AP = 0
    # q4 has no ranking at all: AP = 0
}


def test_map_at_5_is_the_lab_definition():
    # (1 + 0.5 + 0 + 0) / 4, every judged query counted, the unanswered one as 0.
    assert map_at_k(RUN, QRELS, 5) == pytest.approx(0.375)


def test_map_at_k_only_looks_at_the_top_k():
    # At k = 6, q3 gains 1/6.
    assert map_at_k(RUN, QRELS, 6) == pytest.approx((1 + 0.5 + 1 / 6) / 4)


def test_a_single_relevant_claim_scores_one_over_its_rank():
    assert map_at_k({"q": ["x", "x2", "a"]}, {"q": {"a"}}) == pytest.approx(1 / 3)


def test_recall_at_k_counts_queries_with_any_relevant_claim_in_the_top_k():
    assert recall_at_k(RUN, QRELS, 1) == pytest.approx(1 / 4)
    assert recall_at_k(RUN, QRELS, 2) == pytest.approx(2 / 4)
    assert recall_at_k(RUN, QRELS, 6) == pytest.approx(3 / 4)


def test_the_threshold_is_the_lowest_score_keeping_precision_at_target():
    top = [(0.9, True), (0.8, True), (0.7, True), (0.6, False), (0.5, True), (0.4, False)]
    # From the top: 1, 1, 1, 3/4 < 0.95 → stop; the lowest score before that is 0.7.
    assert precision_threshold(top, 0.95) == 0.7
    assert precision_threshold(top, 0.75) == 0.5  # 1, 1, 1, .75, .8, then 4/6 < .75
    assert precision_threshold([(0.9, False), (0.8, True)], 0.95) is None


def test_precision_and_coverage_at_a_threshold():
    top = [(0.9, True), (0.8, False), (0.3, True), (0.2, False)]
    assert precision_at(top, 0.5) == (0.5, 0.5)
    assert precision_at(top, 0.95) == (None, 0.0)


def test_threshold_stats_count_links_of_answered_and_unanswered_queries():
    top = [(0.9, True), (0.8, False), (0.3, True)]
    unanswered = [0.85, 0.2, 0.1]
    stats = threshold_stats(top, unanswered, 0.5)
    assert stats["precision"] == 0.5 and stats["coverage"] == pytest.approx(2 / 3)
    assert stats["linked_without_answer"] == pytest.approx(1 / 3)
    assert stats["mixed_precision"] == pytest.approx(1 / 3)  # 1 right link out of 0.9, 0.8, 0.85
    assert threshold_stats(top, unanswered, None) == {"value": None}


def test_claim_vectors_are_computed_once_then_read_from_the_cache(tmp_path):
    import numpy as np

    from api.matching import Claim
    from tools.matching_eval import claim_vectors

    claims = [Claim("c1", "Cats hide in wheel wells.", "Cats"), Claim("c2", "Banks close for a week.")]
    first = claim_vectors(claims, tmp_path)
    (cached,) = tmp_path.glob("vectors-*.npy")
    assert first.shape == (2, 384)
    np.save(cached, np.zeros_like(first))  # what is read back now is the file, not a new encoding
    assert not claim_vectors(claims, tmp_path).any()
    assert claim_vectors(claims[:1], tmp_path).any()  # other texts, another file


def test_a_wrong_dataset_folder_is_one_line_and_exit_status_2(tmp_path, capsys):
    from tools.matching_eval import main

    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not the claim-retrieval folder" in err and "vclaims.jsonl" in err
