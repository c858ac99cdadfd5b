"""Spans in and out of the database: the one place input spans are resolved.

Input spans name a source and give offsets and/or a quote; `resolve_spans` turns them into
stored code-point spans (via the domain resolver, `api.domain.spans.resolve_span`). A span
whose offsets count UTF-16 code units says so with `"units": "utf16"` (the edge sets it for
`?offsets=utf16`). Output spans are converted by the presenters, with the converters that
`utf16_offsets` loads (text only for sources with non-BMP characters).
"""
from __future__ import annotations

from api.domain.ids import encode_id
from api.domain.spans import AmbiguousQuote, Span, SpanError, Utf16Offsets, resolve_span
from api.domain.errors import Conflict, DomainError, Invalid
from api.models import Source

UTF16 = "utf16"  # the `units` of a span counted in UTF-16 code units (default: code points)


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


def resolve_spans(spans: list[dict], *, path: str | list[str]) -> list[dict]:
    """Resolve input spans to stored ones: {source_id, start, end, exact, prefix, suffix},
    offsets in code points.

    Raises Invalid naming the field (`appearances.0.exact`) on a bad span, Conflict with
    candidate offsets (in the span's own units) when a quote occurs more than once. `path`
    names the list, or each span's own path.
    """
    sources = _load_sources({span["source"] for span in spans})
    paths = path if isinstance(path, list) else [f"{path}.{index}" for index in range(len(spans))]
    resolved = []
    for where, span in zip(paths, spans):
        source = sources.get(span["source"])
        if source is None:
            raise Invalid(f"{where}.source", f"No source with id {encode_id('source', span['source'])}.")
        converter = Utf16Offsets(source.text) if span.get("units") == UTF16 else None
        start, end = span.get("start"), span.get("end")
        try:
            if converter is not None and start is not None:
                start = converter.to_code_points(start, field="start")
                end = converter.to_code_points(end, field="end")
            found = resolve_span(source.text, start=start, end=end, exact=span.get("exact"),
                                 prefix=span.get("prefix"), suffix=span.get("suffix"))
        except SpanError as error:
            raise _span_problem(error, where, converter) from None
        resolved.append({"source_id": source.id, **stored_span(found)})
    return resolved


def stored_span(span: Span) -> dict:
    """The span columns of a stored span row (appearance, mention, evidence), from a resolved span."""
    return {"start": span.start, "end": span.end, "exact": span.exact, "prefix": span.prefix, "suffix": span.suffix}


def utf16_offsets(source_ids) -> dict[int, Utf16Offsets]:
    """Converters to UTF-16 units for those of these sources where the units differ from code
    points (texts with non-BMP characters); only their texts are loaded. Two queries at most."""
    if not source_ids:
        return {}
    lengths = _load_sources(set(source_ids), with_text=False)
    astral = {sid for sid, s in lengths.items() if s.length != s.length_utf16}
    return {sid: Utf16Offsets(s.text) for sid, s in _load_sources(astral).items()} if astral else {}
