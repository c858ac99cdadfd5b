"""The gold files: generated from the specs, every span exact, claims disjoint."""
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "data" / "gold"
CORPORA = {"samples.json": ROOT / "data" / "samples", "extra.json": GOLD / "extra", "heldout.json": GOLD / "heldout"}


def load_build():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_gold", GOLD / "build_gold.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def spans(gold):
    for p in gold["people"]:
        yield from p["mentions"]
    for e in gold["events"]:
        yield from e["mentions"]
    yield from gold["claims"]


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_every_gold_span_matches_its_exact_text(name):
    gold = json.loads((GOLD / name).read_text(encoding="utf-8"))
    n = 0
    for s in spans(gold):
        text = (CORPORA[name] / s["file"]).read_text(encoding="utf-8")
        assert text[s["start"]:s["end"]] == s["exact"], s
        n += 1
    assert n > 20


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_gold_claims_within_a_document_do_not_overlap(name):
    gold = json.loads((GOLD / name).read_text(encoding="utf-8"))
    by_file = {}
    for c in gold["claims"]:
        by_file.setdefault(c["file"], []).append((c["start"], c["end"]))
    for file, ss in by_file.items():
        ss.sort()
        assert all(a[1] <= b[0] for a, b in zip(ss, ss[1:])), file


def test_gold_files_are_up_to_date_with_their_specs():
    assert load_build().main(["--check"]) == 0


def test_gold_builder_refuses_ambiguous_and_missing_quotes():
    build = load_build()
    with pytest.raises(ValueError, match="give n"):
        build.find("the war and the war", "the war")
    with pytest.raises(ValueError, match="not found"):
        build.find("the war", "the peace")
    assert build.find("the war and the war", "the war", 1) == (12, 19)


def test_sample_texts_are_untouched():
    meta = json.loads((ROOT / "data" / "samples" / "metadata.json").read_text())
    import hashlib

    for m in meta:
        data = (ROOT / "data" / "samples" / m["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == m["sha256"]
