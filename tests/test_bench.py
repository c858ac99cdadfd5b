"""The benchmark harness itself, CI-sized: it generates a dataset, serves the API and the bare
baseline under gunicorn, drives every scenario and reports ratios, with no failed request.
(No timing is asserted: the figures are for bench/RESULTS.md, not for a test.)"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ["GET a claim", "list status=corroborated, page 1", "GET a source's annotations",
             "list claims by claimant", "POST a verdict", "POST a match query", "GET a job"]


@pytest.mark.slow
def test_a_ci_sized_benchmark_run_serves_every_scenario_without_errors():
    result = subprocess.run([sys.executable, "bench/run.py", "--claims", "2000", "--duration", "1",
                             "--database", "sqlite", "--no-record"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
            for line in result.stdout.splitlines() if line.startswith("| ") and not line.startswith("| scenario")}
    assert all(any(name.startswith(s) for name in rows) for s in SCENARIOS), rows.keys()
    assert any(name.startswith("baseline") for name in rows)
    for name, cells in rows.items():
        requests_per_second, ratio, errors = float(cells[0]), cells[3], cells[-1]
        assert requests_per_second > 0 and ratio.endswith("%") and errors == "0", (name, cells)
