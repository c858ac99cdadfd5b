"""Span rows → span dicts, with offsets in the request's units."""
from __future__ import annotations

from typing import Iterable

from api.domain.spans import Utf16Offsets
from api.services.spans import UTF16, utf16_offsets


class SpanPresenter:
    """Shows stored spans (code points) as {source_id, start, end, exact, prefix, suffix}.

    With offsets 'utf16', start and end count UTF-16 code units. The converters come from a
    write's result (loaded in its transaction), or are loaded once for a read by `prepare`,
    for the sources with non-BMP characters only (the others convert by identity)."""

    def __init__(self, offsets: str, converters: dict[int, Utf16Offsets] | None = None):
        self.utf16 = offsets == UTF16
        self._converters = converters

    def prepare(self, source_ids: Iterable[int]) -> "SpanPresenter":
        """Load what converting spans of these sources needs (nothing for code points)."""
        if self.utf16 and self._converters is None:
            self._converters = utf16_offsets(set(source_ids))
        return self

    def __call__(self, row) -> dict:
        start, end = row.start, row.end
        if self.utf16:
            converter = (self._converters or {}).get(row.source_id)
            if converter is not None:
                start, end = converter.to_utf16(start), converter.to_utf16(end)
        return {"source_id": row.source_id, "start": start, "end": end, "exact": row.exact,
                "prefix": row.prefix, "suffix": row.suffix}
