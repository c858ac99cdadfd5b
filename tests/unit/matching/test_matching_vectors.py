"""Nearest-neighbour search over unit vectors (api.matching.vectors)."""
import numpy as np

from api.matching.vectors import VectorIndex


def unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


VECTORS = unit([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0, 1]])


def test_search_returns_the_nearest_positions_best_first_with_their_cosines():
    positions, cosines = VectorIndex(VECTORS).search(unit([[1, 0.05, 0]])[0], 3)
    assert positions.tolist() == [0, 1, 2]
    assert cosines[0] >= cosines[1] >= cosines[2]
    np.testing.assert_allclose(cosines, VECTORS[[0, 1, 2]] @ unit([[1, 0.05, 0]])[0], atol=2e-3)


def test_asking_for_more_than_stored_returns_all():
    positions, _ = VectorIndex(VECTORS).search(VECTORS[3], 10)
    assert sorted(positions.tolist()) == [0, 1, 2, 3]
    assert positions[0] == 3


def test_cosines_of_given_positions_come_in_the_order_asked():
    cosines = VectorIndex(VECTORS).cosines(VECTORS[2], np.array([2, 0]))
    np.testing.assert_allclose(cosines, [1.0, 0.0], atol=2e-3)


def test_an_empty_index_finds_nothing():
    index = VectorIndex(np.zeros((0, 3), dtype=np.float32))
    positions, cosines = index.search(VECTORS[0], 5)
    assert len(positions) == 0 and len(cosines) == 0
