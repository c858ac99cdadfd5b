"""The issue's targets, measured with the scorer on the samples, the extra articles and the
held-out articles (written after the rules were fixed)."""
import json
from pathlib import Path

import pytest

from api.extraction import extract_many
from tools.evaluate import check_targets, main, score

ROOT = Path(__file__).resolve().parents[2]
CORPORA = {
    "samples": (ROOT / "data" / "gold" / "samples.json", ROOT / "data" / "samples"),
    "extra": (ROOT / "data" / "gold" / "extra.json", ROOT / "data" / "gold" / "extra"),
    "heldout": (ROOT / "data" / "gold" / "heldout.json", ROOT / "data" / "gold" / "heldout"),
}


@pytest.fixture(scope="module")
def reports():
    out = {}
    for name, (gold_path, docs) in CORPORA.items():
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        files = sorted({c["file"] for c in gold["claims"]})
        texts = {f: (docs / f).read_text(encoding="utf-8") for f in files}
        out[name] = score(gold, dict(zip(files, extract_many([texts[f] for f in files]))), texts)
    return out


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_people_f1_at_least_095(reports, corpus):
    assert reports[corpus]["people"]["f1"] >= 0.95


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_person_mention_f1_at_least_090(reports, corpus):
    assert reports[corpus]["mentions"]["f1"] >= 0.90


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_claim_recall_at_least_080_with_precision_at_least_060(reports, corpus):
    assert reports[corpus]["claims"]["recall"] >= 0.80
    assert reports[corpus]["claims"]["precision"] >= 0.60


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_claimant_accuracy_at_least_080_on_matched_attributed_claims(reports, corpus):
    assert reports[corpus]["claimant"]["accuracy"] >= 0.80
    assert reports[corpus]["claimant"]["attributed_accuracy"] >= 0.80


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_boilerplate_share_at_most_5_percent(reports, corpus):
    assert reports[corpus]["boilerplate"]["share"] <= 0.05
    assert check_targets(reports[corpus]) == []


def test_evaluate_cli_prints_the_report_and_passes_target_check(capsys):
    gold, docs = CORPORA["samples"]
    assert main([str(gold), "--docs", str(docs), "--check-targets"]) == 0
    out = capsys.readouterr().out
    assert "claimant accuracy" in out and "boilerplate share" in out and "targets missed" not in out
