"""The spaCy model is loaded once per process, lazily and thread-safely."""
import threading

import pytest

from api.extraction import ModelNotAvailable, configure_model, get_nlp
from api.extraction.model import DISABLED_PIPES


def test_model_is_loaded_once_and_shared():
    assert get_nlp() is get_nlp()


def test_concurrent_first_calls_share_one_instance():
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(get_nlp())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(x) for x in seen}) == 1


def test_unused_components_are_disabled_for_speed():
    nlp = get_nlp()
    assert not set(DISABLED_PIPES) & set(nlp.pipe_names)
    assert {"parser", "ner", "tagger"} <= set(nlp.pipe_names)


def test_configured_model_name_is_used_and_unknown_names_fail_clearly():
    configure_model("no_such_spacy_model_xyz")
    try:
        with pytest.raises(ModelNotAvailable):
            get_nlp()
    finally:
        configure_model(None)
    assert get_nlp() is not None
