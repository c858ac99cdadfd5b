"""The /docs page renders every operation in a real (headless) browser, with no internet."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from tests.support import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_docs_render_the_operations_in_headless_chromium(live_server, tmp_path):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's chromium (.ci/run installs it)")
        pytest.skip("chromium is not installed here (apt-get install chromium); CI runs this test")
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path}", "--virtual-time-budget=20000", "--dump-dom", f"{live_server}/docs/"],
        capture_output=True, text=True, timeout=120)
    dom = result.stdout
    assert "swagger-ui" in dom, result.stderr[-2000:]
    summaries = [op["summary"] for path in yaml.safe_load((ROOT / "openapi.yaml").read_text())["paths"].values()
                 for op in path.values() if isinstance(op, dict) and "summary" in op]
    rendered = [s for s in summaries if s in dom]
    assert len(rendered) == len(summaries), set(summaries) - set(rendered)
