"""The layering of DESIGN.md holds: the import-linter contracts in pyproject.toml are kept.

Pure rules (api.domain) and the NLP pipeline (api.extraction) import neither Flask nor peewee;
services import no Flask, marshmallow or schemas; views and presenters import no models.
A change that breaks a contract fails here, and so in CI.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_import_linter_contract_is_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
