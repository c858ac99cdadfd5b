"""Importing ClaimReview items as a job (kind `claimreview.import`): `{"body": <the JSON body>}`
(a request over 500 items) or `{"path": <a JSON file>}` (`claimtrack import-claimreviews`, which
runs the job itself) → counts and error items (api.services.claimreview_imports.run_import_job)."""
from __future__ import annotations

import json

from api.domain.errors import Invalid, NotFound
from api.jobs.registry import job_kind
from api.services import claimreview_imports


def read_json_file(path: str):
    """The parsed JSON of a file; NotFound when unreadable, Invalid when not JSON in UTF-8."""
    try:
        with open(path, "rb") as file:
            return json.loads(file.read().decode("utf-8"))
    except OSError as error:
        raise NotFound(f"The file to import cannot be read: {error.strerror} ({path}).") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise Invalid(None, f"{path} is not a JSON file in UTF-8 ({error}).", slug="not-a-feed") from None


@job_kind(claimreview_imports.IMPORT_JOB, visible_to="checker")
def import_claimreviews(run, body=None, path: str | None = None) -> dict:
    return claimreview_imports.run_import_job(run, read_json_file(path) if path is not None else body)
