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


def test_a_saved_index_opened_mapped_answers_as_the_one_saved(tmp_path):
    rng = np.random.default_rng(7)
    vectors = unit(rng.normal(size=(300, 16)))
    built = VectorIndex(vectors)
    built.save(str(tmp_path / "v.usearch"))
    mapped = VectorIndex.open(str(tmp_path / "v.usearch"))
    assert mapped.mapped and mapped.size == 300 and not built.mapped
    for query in vectors[:20]:
        assert mapped.search(query, 10)[0].tolist() == built.search(query, 10)[0].tolist()
    np.testing.assert_allclose(mapped.cosines(vectors[0], np.array([3, 1])), built.cosines(vectors[0], np.array([3, 1])))


def test_vectors_put_beside_a_mapped_index_replace_and_extend_it(tmp_path):
    VectorIndex(VECTORS).save(str(tmp_path / "v.usearch"))
    mapped = VectorIndex.open(str(tmp_path / "v.usearch"))
    # Position 0 moves to where 3 is; position 4 is new, near position 2.
    mapped.put(np.array([0, 4]), unit([[0, 0.1, 1], [0.05, 1, 0]]))
    assert mapped.size == 5 and mapped.overlay == 2
    positions, cosines = mapped.search(unit([[1, 0, 0]])[0], 5)
    assert positions.tolist()[0] == 1 and sorted(positions.tolist()) == [0, 1, 2, 3, 4]
    assert list(cosines) == sorted(cosines, reverse=True)
    assert mapped.search(VECTORS[3], 2)[0].tolist() == [3, 0]  # 0's new vector, not its old one
    expected = [unit([[0.05, 1, 0]])[0] @ VECTORS[2], unit([[0, 0.1, 1]])[0] @ VECTORS[2], 1.0]
    np.testing.assert_allclose(mapped.cosines(VECTORS[2], np.array([4, 0, 2])), expected, atol=2e-3)


def test_a_file_that_is_no_index_is_refused(tmp_path):
    import pytest

    (tmp_path / "bad").write_bytes(b"not an index")
    with pytest.raises((ValueError, RuntimeError)):
        VectorIndex.open(str(tmp_path / "bad"))
