"""Extraction as a job: `{"source_id": <int key>}` → the ids it stored (api.services.extraction)."""
from api.jobs.registry import job_kind
from api.services import extraction



@job_kind(extraction.EXTRACTION_JOB)
def extract_source(run, source_id: int) -> None:
    extraction.extract_in_job(run, source_id)
