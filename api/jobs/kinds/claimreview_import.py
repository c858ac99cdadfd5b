"""Importing a large ClaimReview body as a job: `{"body": <the JSON body>}` → counts and errors
(api.services.claimreview_imports.run_import_job)."""
from api.jobs.registry import job_kind
from api.services import claimreview_imports


@job_kind(claimreview_imports.IMPORT_JOB)
def import_claimreviews(run, body) -> dict:
    return claimreview_imports.run_import_job(run, body)
