"""schemathesis against a live server built from the committed openapi.yaml: every operation,
no 5xx, every status code, content type and body as documented."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_every_operation_behaves_as_openapi_yaml_documents(api, samples, tokens, live_server):
    st = Path(sys.executable).with_name("st")
    result = subprocess.run(
        [str(st), "run", str(ROOT / "openapi.yaml"), "--url", live_server,
         # The admin key doing the testing is not key 1, which the examples name (and revoke).
         "-H", f"Authorization: Bearer {tokens['admin']}",
         "--checks", CHECKS, "--max-examples", "15", "--workers", "2", "--seed", "1",
         "--phases", "examples,fuzzing,stateful", "--no-color"],
        capture_output=True, text=True, timeout=600)
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    selected = re.search(r"Selected: (\d+)/(\d+)", result.stdout)
    tested = re.search(r"Tested: (\d+)", result.stdout)
    assert selected and tested and selected.group(1) == selected.group(2) == tested.group(1), report
