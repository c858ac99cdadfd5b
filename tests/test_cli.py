"""The claimtrack command: init-db, keys, openapi, and a demo served by gunicorn."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openapi_spec_validator import validate

from api.cli import main, openapi_yaml
from tests.support import ROOT, free_port, sample_text


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_init_db_creates_the_schema_once_and_is_idempotent(cli_env):
    assert "0001_initial" in run("init-db")
    assert "up to date" in run("init-db")


def test_keys_are_created_listed_without_secrets_and_revoked(cli_env):
    run("init-db")
    token = run("keys", "create", "--name", "desk", "--role", "checker").strip()
    assert token.startswith("ctk_")
    listing = run("keys", "list")
    assert "checker" in listing and "active" in listing and token.split("_")[2] not in listing
    key_id = listing.split("\t")[0]
    run("keys", "revoke", key_id)
    assert "revoked" in run("keys", "list")


def test_committed_openapi_yaml_is_what_the_code_generates_and_is_valid():
    generated = openapi_yaml()
    assert (ROOT / "openapi.yaml").read_text(encoding="utf-8") == generated, "run: claimtrack openapi"
    document = yaml.safe_load(generated)
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert "/v1/claims" in document["paths"]


def _call(url, key=None, body=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {key}"} if key else {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


@pytest.fixture
def demo_server(tmp_path):
    """`claimtrack demo` under gunicorn on a free loopback port, in an empty folder."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    claimtrack = Path(sys.executable).with_name("claimtrack")
    process = subprocess.Popen([str(claimtrack), "demo", "--bind", f"127.0.0.1:{port}", "--samples",
                                str(ROOT / "data" / "samples")], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _call(f"{base}/healthz")
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, process.stdout.read().decode()
                time.sleep(0.2)
        yield base, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_demo_serves_the_samples_under_gunicorn_and_a_claim_can_be_created_by_quote(demo_server):
    base, folder = demo_server
    key = (folder / "claimtrack-demo.key").read_text().strip()
    status, sources = _call(f"{base}/v1/sources", key)
    assert status == 200 and len(sources["data"]) == 2
    source = next(s for s in sources["data"] if s["title"].endswith("ceasefire deal"))
    quote = "the first summit between US and Russian leaders in four years"
    status, claim = _call(f"{base}/v1/claims", key, {"appearances": [{"source": source["id"], "exact": quote}]})
    assert status == 201
    span = claim["appearances"][0]
    text = sample_text("001_87f9c890ea636cff.txt")
    assert text[span["start"]:span["end"]] == quote == span["exact"]
    assert (folder / "claimtrack-demo.db").exists()


def test_the_readme_curl_walkthrough_runs_against_a_live_demo(demo_server):
    base, folder = demo_server
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Walkthrough with curl")[1].split("\n## ")[0]
    script = "\n".join(block.split("```")[0] for block in section.split("```bash\n")[1:])
    script = script.replace("http://127.0.0.1:8000", base)
    result = subprocess.run(["bash", "-e", "-c", script], cwd=folder, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the first summit between US and Russian leaders in four years" in result.stdout
    assert "Volodymyr Zelensky" in result.stdout and "ambiguous-quote" in result.stdout
    assert "there’s no deal until there’s a deal" in result.stdout


def test_ci_runs_the_test_command_the_readme_gives():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("Run the tests")[1].split("```bash\n")[1].split("\n")[0]
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_ingest_stores_files_skips_duplicates_and_extracts(cli_env):
    run("init-db")
    article = cli_env / "central-bank.txt"
    article.write_text("FRANKFURT — European Central Bank President Christine Lagarde said on Thursday that "
                       "inflation had fallen to 2.1% in October, the lowest level in three years.", encoding="utf-8")
    output = run("ingest", str(article), str(ROOT / "data" / "samples" / "001_87f9c890ea636cff.txt"), "--extract")
    assert "stored 2, skipped 0" in output and "claims proposed" in output
    again = run("ingest", str(article))
    assert "stored 0, skipped 1" in again


def test_evaluate_scores_the_pipeline_against_the_shipped_gold_and_meets_the_targets():
    result = CliRunner().invoke(main, ["evaluate", str(ROOT / "data" / "gold" / "heldout.json"), "--docs",
                                       str(ROOT / "data" / "gold" / "heldout"), "--check-targets"])
    assert result.exit_code == 0, result.output
    assert "people (entities)" in result.output and "boilerplate share" in result.output


def test_evaluate_scores_a_checkworthiness_tsv_with_a_reliability_table(tmp_path):
    data = tmp_path / "cw.tsv"
    data.write_text("id\ttext\tlabel\n"
                    "1\tUnemployment fell to 3.5 percent in 2019, the lowest rate in 50 years.\t1\n"
                    "2\tThank you very much, it is wonderful to be here tonight.\t0\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", str(data), "--json"])
    report = json.loads(result.output.split("targets missed")[0])
    assert (report["rows"], report["positives"]) == (2, 1)
    assert report["average_precision"] == 1.0
    assert sum(b["n"] for b in report["calibration"]["bins"]) == 2
