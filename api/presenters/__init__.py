"""Presenters: turn what services return into what the schemas dump, at the edge.

Each takes a service's result (rows and their details, never changed) and returns plain dicts
keyed by the representation's field names, with span offsets in the units the request asked
for (`?offsets=utf16`: UTF-16 code units; code points otherwise). Hypothesis' `h/presenters`
is the model. Schemas then only format (ids, timestamps) and document.
"""
