"""The sentence encoder (api.matching.encoder): the shipped ONNX model run without PyTorch."""
import numpy as np
import pytest

from api.matching.encoder import DIMENSIONS, EncoderNotAvailable, SentenceEncoder, get_encoder

SENTENCES = [
    "Cats hide in the wheel wells of cars to keep warm.",
    "In winter, cats may sleep under car hoods for warmth.",
    "The central bank raised interest rates by half a point.",
]


def test_the_process_loads_the_encoder_once():
    assert get_encoder() is get_encoder()


def test_vectors_are_unit_rows_of_384_floats():
    vectors = get_encoder().encode(SENTENCES)
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_the_same_text_always_gets_the_same_vector():
    encoder = get_encoder()
    first = encoder.encode(SENTENCES)
    # Alone and in another batch order, where padding differs.
    again = np.vstack([encoder.encode([s]) for s in reversed(SENTENCES)])[::-1]
    np.testing.assert_allclose(first, again, atol=1e-5)
    np.testing.assert_array_equal(first, encoder.encode(SENTENCES))


def test_paraphrases_are_closer_than_unrelated_sentences():
    cats, cats_again, bank = get_encoder().encode(SENTENCES)
    assert cats @ cats_again > 0.5
    assert cats @ bank < 0.2


def test_no_texts_give_an_empty_matrix():
    assert get_encoder().encode([]).shape == (0, DIMENSIONS)


def test_an_empty_text_still_gets_a_unit_vector():
    (vector,) = get_encoder().encode([""])
    assert abs(np.linalg.norm(vector) - 1.0) < 1e-5


def test_a_missing_model_is_an_installation_error(tmp_path):
    with pytest.raises(EncoderNotAvailable, match="model.onnx is missing"):
        SentenceEncoder(tmp_path)


def test_the_fingerprint_is_the_sha256_of_the_shipped_model():
    fingerprint = get_encoder().fingerprint
    assert len(fingerprint) == 64 and int(fingerprint, 16) >= 0
