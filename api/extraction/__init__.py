"""Extraction pipeline: text in, people / events / claims anchored to code-point spans out.

Pure: no Flask, no peewee, no database. The spaCy model is loaded once per process on first
use (model.get_nlp); `configure_model(name)` sets the model name from application config.
"""
from .errors import ExtractionInputError, NotText, TextTooLong
from .model import ModelNotAvailable
from .model import configure as configure_model
from .model import get_nlp
from .pipeline import CHUNK_CHARS, MAX_CHARS, extract, extract_many
from .types import (
    ExtractedClaim,
    ExtractedEvent,
    ExtractedPerson,
    ExtractionResult,
    KnownPerson,
    Mention,
)

__all__ = [
    "CHUNK_CHARS", "MAX_CHARS", "ExtractedClaim", "ExtractedEvent", "ExtractedPerson",
    "ExtractionInputError", "ExtractionResult", "KnownPerson", "Mention", "ModelNotAvailable",
    "NotText", "TextTooLong", "configure_model", "extract", "extract_many", "get_nlp",
]
