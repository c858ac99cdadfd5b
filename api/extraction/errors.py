"""Errors raised by the extraction pipeline.

All are ValueError subclasses so a caller can map "bad input" with one except clause
(the HTTP layer maps TextTooLong to 413 and the others to 422).
"""


class ExtractionInputError(ValueError):
    """The text cannot be extracted from (base class for every input error)."""


class NotText(ExtractionInputError):
    """`text` is not a str (bytes must be decoded by the caller: offsets are code points)."""


class TextTooLong(ExtractionInputError):
    """The text is longer than the hard limit (`max_chars`, code points)."""

    def __init__(self, length: int, limit: int):
        super().__init__(f"text has {length} code points; the extraction limit is {limit}")
        self.length = length
        self.limit = limit
