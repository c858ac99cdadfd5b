"""Extraction throughput as a ratio to spaCy's own nlp.pipe on the same texts, in one run.

    python bench/extraction_throughput.py [--copies 10] [--rounds 3] [--model NAME]

Texts: the sample documents and the gold articles (data/samples, data/gold/extra,
data/gold/heldout), each repeated --copies times. Three timings, interleaved per round, best
round kept for each:
  pipe_full     nlp.pipe over the texts with the model as spaCy loads it (every component)
  pipe_same     nlp.pipe with the components extraction keeps (lemmatizer off), same texts
  extract       api.extraction.extract_many over the texts (skips page furniture, parses,
                applies the rules and scores every candidate claim with the trained
                check-worthiness model on onnxruntime)
Headline: extract / pipe_full (target >= 0.5, issue 14). extract / pipe_same shows the cost of the rules
themselves on the same model configuration. RSS is the process's resident memory with the
model loaded (and its growth from before loading).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.5  # extraction with the check-worthiness model >= 50 % of nlp.pipe throughput (issue 14)
sys.path.insert(0, str(ROOT))


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def load_texts(copies: int) -> list[str]:
    files = sorted((ROOT / "data" / "samples").glob("*.txt")) + sorted((ROOT / "data" / "gold" / "extra").glob("*.txt")) \
        + sorted((ROOT / "data" / "gold" / "heldout").glob("*.txt"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    return texts * copies


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model", default=None)
    args = ap.parse_args(argv)

    import spacy

    from api.extraction import extract_many, get_nlp
    from api.extraction.model import DEFAULT_MODELS

    texts = load_texts(args.copies)
    chars = sum(len(t) for t in texts)
    rss_before = rss_mib()
    nlp_same = get_nlp(args.model)  # the shared instance extraction uses
    rss_loaded = rss_mib()
    name = args.model or next(n for n in DEFAULT_MODELS if spacy.util.is_package(n))
    nlp_full = spacy.load(name)  # baseline: spaCy's pipeline as shipped

    extract_many(texts[:4], model_name=args.model)  # warm-up (lazy init inside spaCy; loads the check-worthiness model)
    list(nlp_full.pipe(texts[:4]))

    best = {"pipe_full": float("inf"), "pipe_same": float("inf"), "extract": float("inf")}
    for _ in range(args.rounds):
        best["pipe_full"] = min(best["pipe_full"], timed(lambda: list(nlp_full.pipe(texts))))
        best["pipe_same"] = min(best["pipe_same"], timed(lambda: list(nlp_same.pipe(texts))))
        best["extract"] = min(best["extract"], timed(lambda: extract_many(texts, model_name=args.model)))

    ratio_full = best["pipe_full"] / best["extract"]
    ratio_same = best["pipe_same"] / best["extract"]
    print(f"extraction throughput / nlp.pipe (full {name} pipeline): {ratio_full:.2f}  (target >= 0.50)")
    print(f"extraction throughput / nlp.pipe (same components, lemmatizer off): {ratio_same:.2f}")
    print(f"RSS with model loaded: {rss_loaded:.0f} MiB ({rss_loaded - rss_before:+.0f} MiB for the model); "
          f"with the baseline pipeline too: {rss_mib():.0f} MiB")
    print(f"({len(texts)} texts, {chars} code points; best of {args.rounds} rounds: "
          + ", ".join(f"{k} {chars / v / 1000:.0f}k cp/s" for k, v in best.items()) + ")")
    return 0 if ratio_full >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
