"""The NDJSON import (`claimtrack import`) as a job: `{"path": file}` → counts per record type.

Run by the command itself (the file is on its machine), tracked like any job (GET /v1/jobs,
admins only); the whole import is one transaction with the job's success. One attempt: an
import whose process was killed is marked failed (job-lost) and stored nothing; run it again."""
from __future__ import annotations

from api.domain.errors import Invalid, NotFound
from api.jobs.registry import job_kind
from api.services.imports import import_records
from schemas.exports import parse_lines

IMPORT_JOB = "import"


def _count_lines(path: str) -> int:
    with open(path, "rb") as file:
        return sum(1 for line in file if line.strip())


@job_kind(IMPORT_JOB, visible_to="admin")
def import_file(run, path: str) -> None:
    try:
        total = _count_lines(path)
    except OSError as error:
        raise NotFound(f"The file to import cannot be read: {error.strerror} ({path}).") from None
    run.progress(0, total)
    try:
        with open(path, encoding="utf-8") as file, run.atomic():
            counts = import_records(parse_lines(file), progress=lambda line: run.progress(line, total))
            run.succeed(counts, done=total)
    except UnicodeDecodeError as error:
        raise Invalid(None, f"The file is not UTF-8 (byte {error.start}: {error.reason}).") from None
