"""Domain exceptions and the one place they become problem+json."""
from __future__ import annotations

import pytest

from api.domain.errors import Busy, Conflict, Invalid, Malformed, NotFound, PreconditionFailed, TooLarge
from api.errors import problem_from_domain


@pytest.mark.parametrize("error,status,slug", [
    (NotFound.of("claim", "clm_x"), 404, "not-found"),
    (Invalid("text", "Text is empty."), 422, "validation"),
    (Malformed("If-Match", "not an ETag", slug="invalid-precondition"), 400, "invalid-precondition"),
    (Conflict("Already stored.", slug="duplicate-source", existing="src_x"), 409, "duplicate-source"),
    (PreconditionFailed("Stale."), 412, "precondition-failed"),
    (TooLarge("Too long to extract.", slug="text-too-long-to-extract"), 413, "text-too-long-to-extract"),
    (Busy("Extraction is at capacity.", retry_after=30), 503, "busy"),
])
def test_each_domain_error_maps_to_one_status(error, status, slug):
    problem = problem_from_domain(error)
    assert (problem.status, problem.slug) == (status, slug)
    assert problem.body()["type"] == f"/problems/{slug}" and problem.body()["detail"] == error.message


def test_a_field_error_names_its_field_and_details_become_members():
    assert problem_from_domain(Invalid("appearances.0.exact", "Not found.")).body()["errors"] == {
        "appearances.0.exact": ["Not found."]}
    assert problem_from_domain(Conflict("Already stored.", existing="src_x")).body()["existing"] == "src_x"
    assert str(NotFound.of("claim", "clm_x")) == "No claim with id 'clm_x'."


def test_busy_says_when_to_retry():
    assert problem_from_domain(Busy("Extraction is at capacity.", retry_after=30)).headers == {"Retry-After": "30"}
