"""Spans in and out of the database: the one place offsets are resolved and converted.

Input spans name a source and give offsets and/or a quote; `resolve_spans` turns them into
stored code-point spans (via the domain resolver). Output spans are converted to UTF-16
units for `offsets=utf16` by `present_spans`, loading text only for sources that need it.
"""
from __future__ import annotations

from api.domain.ids import encode_id
from api.domain.spans import AmbiguousQuote, SpanError, Utf16Offsets, resolve_span
from api.domain.errors import Conflict, DomainError, Invalid
from api.models import Source

UTF16 = "utf16"


def _load_sources(source_ids: set[int], *, with_text: bool = True) -> dict[int, Source]:
    fields = [Source.id, Source.length, Source.length_utf16] + ([Source.text] if with_text else [])
    return {s.id: s for s in Source.select(*fields).where(Source.id.in_(list(source_ids)))}


def _span_problem(error: SpanError, path: str, converter: Utf16Offsets | None) -> DomainError:
    field = f"{path}.{error.field}" if error.field and error.field != "span" else path
    if isinstance(error, AmbiguousQuote):
        def show(offset: int) -> int:
            return converter.to_utf16(offset) if converter else offset
        candidates = [{"start": show(s), "end": show(e)} for s, e in error.candidates]
        return Conflict(error.message, field=field, slug="ambiguous-quote", candidates=candidates)
    slug = "quote-not-found" if type(error).__name__ == "QuoteNotFound" else "invalid-span"
    return Invalid(field, error.message, slug=slug)


def resolve_spans(spans: list[dict], *, offsets: str, path: str | list[str]) -> list[dict]:
    """Resolve input spans to stored ones: {source_id, start, end, exact, prefix, suffix}.

    422 naming the field (`appearances.0.exact`) on a bad span, 409 with candidate offsets
    when a quote occurs more than once. `path` names the list, or each span's own path.
    """
    sources = _load_sources({span["source"] for span in spans})
    paths = path if isinstance(path, list) else [f"{path}.{index}" for index in range(len(spans))]
    resolved = []
    for where, span in zip(paths, spans):
        source = sources.get(span["source"])
        if source is None:
            raise Invalid(f"{where}.source", f"No source with id {encode_id('source', span['source'])}.")
        converter = Utf16Offsets(source.text) if offsets == UTF16 else None
        start, end = span.get("start"), span.get("end")
        try:
            if converter is not None and start is not None:
                start = converter.to_code_points(start, field="start")
                end = converter.to_code_points(end, field="end")
            found = resolve_span(source.text, start=start, end=end, exact=span.get("exact"),
                                 prefix=span.get("prefix"), suffix=span.get("suffix"))
        except SpanError as error:
            raise _span_problem(error, where, converter) from None
        resolved.append({"source_id": source.id, "start": found.start, "end": found.end,
                         "exact": found.exact, "prefix": found.prefix, "suffix": found.suffix})
    return resolved


def present_spans(rows, offsets: str) -> None:
    """Convert the offsets of span rows (appearances, mentions) in place for offsets=utf16.

    Only sources with non-BMP characters differ, and only their texts are loaded.
    """
    if offsets != UTF16 or not rows:
        return
    lengths = _load_sources({row.source_id for row in rows}, with_text=False)
    astral = {sid for sid, s in lengths.items() if s.length != s.length_utf16}
    if not astral:
        return
    converters = {sid: Utf16Offsets(s.text) for sid, s in _load_sources(astral).items()}
    for row in rows:
        converter = converters.get(row.source_id)
        if converter is not None:
            row.start, row.end = converter.to_utf16(row.start), converter.to_utf16(row.end)
