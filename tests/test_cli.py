"""The claimtrack command: init-db, keys, openapi, and a demo served by gunicorn."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openapi_spec_validator import validate

from api.cli import main, openapi_yaml
from tests.support import ROOT, free_port, sample_text, wait_until_answering


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
    from importlib.metadata import version
    assert document["info"]["version"] == version("claimtrack")  # one version: the package's
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
        wait_until_answering(f"{base}/healthz", process, output=lambda: process.stdout.read().decode())
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
    assert (folder / "claimtrack.db").exists()  # the database every later command opens


def test_the_readme_curl_walkthrough_runs_against_a_live_demo(demo_server):
    base, folder = demo_server
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Walkthrough with curl")[1].split("\n## ")[0]
    script = "\n".join(block.split("```")[0] for block in section.split("```bash\n")[1:])
    # As pasted in a clone, where .venv/bin/claimtrack is this test's own claimtrack.
    script = script.replace("http://127.0.0.1:8000", base).replace(".venv/bin/claimtrack",
                                                                   str(Path(sys.executable).with_name("claimtrack")))
    result = subprocess.run(["bash", "-e", "-c", script], cwd=folder, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "checker\tactive\talice" in result.stdout  # the key command found the demo's database
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


@pytest.mark.parametrize("command", [["keys", "list"], ["keys", "create", "--name", "a", "--role", "reader"],
                                     ["export"], ["serve"], ["ingest", str(ROOT / "README.md")]])
def test_commands_on_a_missing_database_say_to_run_init_db_and_create_no_file(cli_env, command):
    # A real process: `serve` patches the interpreter for gevent, which must not happen to pytest's.
    result = subprocess.run([str(Path(sys.executable).with_name("claimtrack")), *command], cwd=cli_env,
                            capture_output=True, text=True, timeout=60, env={**os.environ})
    assert result.returncode == 1
    assert (result.stdout + result.stderr).strip().splitlines() == [
        f"Error: There is no database at {cli_env / 'cli.db'}: run `claimtrack init-db` to create or upgrade it."]
    assert not (cli_env / "cli.db").exists()


def test_commands_on_a_database_without_the_schema_say_to_run_init_db(cli_env):
    (cli_env / "cli.db").touch()
    result = CliRunner().invoke(main, ["keys", "list"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: The database has no schema: run `claimtrack init-db` to create or upgrade it."


def test_ingest_reports_a_file_that_is_not_utf8_continues_and_exits_1(cli_env):
    run("init-db")
    latin1 = cli_env / "latin1.txt"
    latin1.write_bytes("Zoë Müller said the café was closed.".encode("latin-1"))
    good = cli_env / "good.txt"
    good.write_text("The minister said on Monday that exports rose by 4% in March.", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(latin1), str(good)])
    assert result.exit_code == 1
    assert f"{latin1}: not UTF-8" in result.output
    assert f"stored 1, skipped 0 already stored, 1 failed: {latin1}" in result.output


def test_revoking_the_last_admin_key_from_the_command_line_is_refused(cli_env):
    run("init-db")
    run("keys", "create", "--name", "boss", "--role", "admin")
    key_id = run("keys", "list").split("\t")[0]
    result = CliRunner().invoke(main, ["keys", "revoke", key_id])
    assert result.exit_code == 1 and "last active admin key" in result.output


def test_demo_reuses_its_admin_key_and_replaces_it_when_the_file_is_gone(cli_env):
    samples = ["demo", "--no-serve", "--no-extract", "--samples", str(ROOT / "data" / "samples")]
    first = run(*samples)
    key_file = cli_env / "claimtrack-demo.key"
    token = key_file.read_text().strip()
    assert f"written to claimtrack-demo.key): {token}" in first
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    again = run(*samples)
    assert f"reused from claimtrack-demo.key): {token}" in again
    key_file.unlink()
    run(*samples)
    fresh = key_file.read_text().strip()
    listing = [line.split("\t") for line in run("keys", "list").splitlines()]
    assert fresh != token
    assert [state for _, role, state, name in listing if name == "demo admin"] == ["revoked", "active"]


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


def one_claim_stored() -> None:
    """A database made by init-db holding one claim (through the services), for embed-claims."""
    from api.db import database, open_database
    from api.services.audit import CLI
    from api.services.claims import create_claim
    from api.services.sources import create_source
    run("init-db")
    text = "Lady Gaga said she eats Oreo cookies every single day."
    database.initialize(open_database(os.environ["DATABASE_URL"]))
    with database.connection_context():
        source = create_source({"text": text}, actor=CLI).source.id
        create_claim({"appearances": [{"source": source, "start": 0, "end": len(text)}]}, actor=CLI)


def test_embed_claims_embeds_what_is_missing_and_then_nothing(cli_env):
    one_claim_stored()
    assert "embedded 1 claims" in run("embed-claims")
    assert "embedded 0 claims" in run("embed-claims")


def test_embed_claims_saves_the_vector_index_when_a_directory_is_set(cli_env, monkeypatch):
    from api.services import matching
    monkeypatch.setenv("CLAIMTRACK_MATCHING_INDEX_DIR", str(cli_env / "index"))
    one_claim_stored()
    try:
        output = run("embed-claims")
        assert "embedded 1 claims" in output and "vector index saved to" in output
        assert len(list((cli_env / "index").glob("*.usearch"))) == 1
        assert "vector index saved" not in run("embed-claims")  # nothing changed since
    finally:
        matching.configure(index_dir=None)


def test_import_is_a_job_the_command_runs_and_records_with_its_progress(cli_env, monkeypatch):
    from api.db import database
    from api.models import Job
    run("demo", "--no-serve", "--no-extract", "--samples", str(ROOT / "data" / "samples"))
    dump = cli_env / "dump.ndjson"
    run("export", "-o", str(dump))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{cli_env / 'copy.db'}")
    assert "imported: 2 source, 0 person" in run("import", str(dump))
    with database.connection_context():
        job = Job.get()
    assert (job.kind, job.status, job.attempts, job.progress_done, job.progress_total) == ("import", "succeeded", 1, 2, 2)
    assert json.loads(job.result)["source"] == 2 and job.actor_name == "cli"
    refused = CliRunner().invoke(main, ["import", str(dump)])
    assert refused.exit_code == 1 and "already holds data" in refused.output
    with database.connection_context():
        failed = Job.select().where(Job.status == "failed").get()
    assert json.loads(failed.error)["type"] == "/problems/not-empty"
