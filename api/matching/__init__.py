"""Matching: "has this claim been checked before?" (issue 16, the retrieval core).

Pure code (no Flask, no peewee): text preparation (`text`), BM25 (`lexical`), a sentence
encoder run with onnxruntime (`encoder`), nearest-neighbour search (`vectors`), a fusion
model (`fusion`) and the `Matcher` that combines them. Measured by tools/matching_eval.py;
method and numbers in tools/MATCHING.md.
"""
from api.matching.matcher import Claim, Match, Matcher

__all__ = ["Claim", "Match", "Matcher"]
