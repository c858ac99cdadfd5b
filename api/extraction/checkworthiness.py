"""The trained check-worthiness model: sentences in, calibrated 0..1 scores out.

The model is all-MiniLM-L6-v2 fine-tuned on the CLEF CheckThat! 2024 English (ClaimBuster) data
by tools/train_checkworthiness.py, exported to ONNX and quantised to int8; it ships in
api/extraction/models/checkworthiness/ (tokenizer.json, model.json and the ONNX files that
model.json lists under "members") and runs on onnxruntime + tokenizers, so no PyTorch and no
download at run time. Loaded once per process (get_model(), thread-safe).

A model is one or more members (fine-tuned networks of the same tokenizer): each text is
tokenised once, every member gives a logit, and the model's logit is their mean; a single
network is the one-member case. The score is one Platt calibration of that mean logit, fitted on
a held-out, group-wise split of train: a sentence scored 0.8 is check-worthy about 80 % of the
time in data like ClaimBuster's. `threshold` (from model.json) is the decision point that
maximised held-out F1 on debate sentences; extraction uses it for transcripts. News articles use
ARTICLE_THRESHOLD instead.
"""
from __future__ import annotations

import json
import math
import threading
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent / "models" / "checkworthiness"
# Articles: a statement an outlet prints is mostly a report of fact, and the desk reviews every
# proposal anyway, so recall matters more there than on debate talk. 0.11 is the highest
# threshold at which claim recall reaches 0.80 on the development gold with the shipped model
# (data/gold samples and extra: 0.86 / 0.96, precision 1.00 / 1.00; 0.12 gives 0.79 on the
# samples); the held-out gold was only scored afterwards.
ARTICLE_THRESHOLD = 0.11
BATCH = 32

_lock = threading.Lock()
_model: "CheckworthinessModel | None" = None


class CheckworthinessModel:
    """One loaded model. scores(texts) -> [0..1] per text; logits(texts) -> the members' mean logit.

    `directory` holds model.json ({"members": [{"file": "….onnx", …provenance}, …], "max_length",
    "calibration": {"method": "platt", "a", "b"}, "threshold", …}) beside tokenizer.json and the
    members' files. calibrated=False gives scores = sigmoid(logit) (what the exporter fits on)."""

    def __init__(self, directory: Path | str = MODEL_DIR, *, calibrated: bool = True, threads: int = 1):
        import onnxruntime
        from tokenizers import Tokenizer

        directory = Path(directory)
        self.meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
        self.max_length = int(self.meta["max_length"])
        self.threshold = float(self.meta.get("threshold", 0.5))  # absent while the exporter calibrates
        cal = self.meta.get("calibration") if calibrated else None
        self._a, self._b = (float(cal["a"]), float(cal["b"])) if cal else (1.0, 0.0)
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        # One thread: extraction runs beside other work (web workers, job consumers); the
        # process count, not intra-op threads, is how claimtrack scales.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.sessions = [onnxruntime.InferenceSession(str(directory / m["file"]), options,
                                                      providers=["CPUExecutionProvider"])
                         for m in self.meta["members"]]

    def logits(self, texts: list[str]) -> list[float]:
        import numpy as np

        texts = list(texts)
        out = [0.0] * len(texts)
        if not texts:
            return out
        # One at a time: encode_batch would start the tokenizers' thread pool, which does not
        # survive gunicorn's fork (a worker then hangs on exit); the model time dominates anyway.
        encodings = [self.tokenizer.encode(t) for t in texts]
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # little padding per batch
        for k in range(0, len(order), BATCH):
            idx = order[k:k + BATCH]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            logit = sum(session.run(None, feed)[0] for session in self.sessions) / len(self.sessions)
            for row, i in enumerate(idx):
                out[i] = float(logit[row])
        return out

    def scores(self, texts: list[str]) -> list[float]:
        """Calibrated probabilities that each text is a check-worthy factual claim (0..1)."""
        return [1.0 / (1.0 + math.exp(-(self._a * x + self._b))) for x in self.logits(texts)]


def get_model() -> CheckworthinessModel:
    """The process-wide model, loaded on first use (about 0.3 s and ~40 MB of memory per member)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = CheckworthinessModel()
    return _model
