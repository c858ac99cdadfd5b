"""The fusion model (api.matching.fusion): features of a (query, claim) pair → a score in 0..1."""
import numpy as np
import pytest

from api.matching.fusion import FEATURES, FusionModel

N = len(FEATURES)


def model(coef) -> FusionModel:
    return FusionModel(FEATURES, np.zeros(N), np.ones(N), np.asarray(coef, dtype=float), 0.0)


def test_scores_stay_in_0_1_even_for_extreme_features():
    scores = model([50.0] * N).score(np.array([[1e6] * N, [-1e6] * N, [0.0] * N]))
    assert ((scores >= 0) & (scores <= 1)).all()
    assert scores[0] > 0.99 and scores[1] < 0.01 and scores[2] == pytest.approx(0.5)


def test_a_positive_weight_ranks_the_larger_feature_higher():
    coef = [0.0] * N
    coef[FEATURES.index("cosine")] = 2.0
    rows = np.zeros((2, N))
    rows[1, FEATURES.index("cosine")] = 0.9
    low, high = model(coef).score(rows)
    assert high > low


def test_a_model_round_trips_through_json():
    original = FusionModel(FEATURES, np.arange(N, dtype=float), np.ones(N) * 2, np.ones(N), -1.5, "about")
    copy = FusionModel.from_json(original.to_json())
    x = np.random.default_rng(0).normal(size=(4, N))
    np.testing.assert_allclose(copy.score(x), original.score(x))
    assert copy.about == "about"


def test_a_model_for_other_features_is_refused():
    data = model([1.0] * N).to_json()
    data["features"] = list(reversed(FEATURES))
    with pytest.raises(ValueError, match="differ"):
        FusionModel.from_json(data)


def test_the_shipped_model_loads_and_rewards_lexical_and_semantic_evidence():
    shipped = FusionModel.load()
    assert shipped.features == FEATURES
    assert shipped.coef[FEATURES.index("bm25")] > 0
    assert shipped.coef[FEATURES.index("cosine_gap")] > 0
    assert "train" in shipped.about


def test_the_shipped_model_is_read_once_per_process():
    from api.matching.fusion import shipped_fusion

    assert shipped_fusion() is shipped_fusion()
