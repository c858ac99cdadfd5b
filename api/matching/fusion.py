"""Fusion of the lexical and embedding evidence into one score in 0..1.

A logistic regression over a few features of each (query, candidate claim) pair, trained on
the claim-retrieval TRAIN queries by tools/matching_train.py and shipped as
models/fusion.json. The output is the model's probability that the candidate is a claim the
query repeats, so one threshold on it means the same for every query.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).parent / "models" / "fusion.json"

# Feature names in column order; each is computed by api.matching.matcher.candidate_features.
FEATURES = (
    "bm25",  # BM25 score / the best BM25 score of this query, 0..1
    "bm25_log",  # log(1 + BM25 score): how much text is shared at all
    "cosine",  # cosine of query and claim vectors
    "cosine_gap",  # cosine minus the best cosine of this query (≤ 0)
    "bm25_rr",  # 1 / rank in the BM25 list (0 when not in its candidates)
    "cosine_rr",  # 1 / rank in the embedding list (0 when not in its candidates)
)


@dataclass(frozen=True)
class FusionModel:
    """score = sigmoid(((x - mean) / scale) · coef + intercept), per row of x."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    about: str = ""

    def score(self, x: np.ndarray) -> np.ndarray:
        """Scores in 0..1 for a (candidates, len(features)) float array."""
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "about": self.about,
        }

    @classmethod
    def from_json(cls, data: dict) -> "FusionModel":
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"fusion model features {data['features']} differ from {list(FEATURES)}")
        return cls(
            features=tuple(data["features"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
            about=data.get("about", ""),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "FusionModel":
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


@cache
def shipped_fusion() -> FusionModel:
    """models/fusion.json, read on first use and shared by the process."""
    return FusionModel.load()
