"""`claimtrack import-claimreviews FILE…`: the import of the API, from files of any size."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.cli import main


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert CliRunner().invoke(main, ["init-db"]).exit_code == 0
    return tmp_path


def review(n: int, **overrides) -> dict:
    return {"@type": "ClaimReview", "url": f"https://desk.example/{n}", "claimReviewed": f"Statement {n}.",
            "reviewRating": {"alternateName": "False"}, **overrides}


def test_files_of_every_shape_are_imported_and_a_second_run_changes_nothing(cli_env):
    feed = cli_env / "feed.json"
    feed.write_text(json.dumps({"@type": "DataFeed", "dataFeedElement": [review(1), {"item": review(2)}]}), encoding="utf-8")
    search = cli_env / "search.json"
    search.write_text(json.dumps({"claims": [{"text": "Statement 3.", "claimReview": [
        {"url": "https://desk.example/3", "textualRating": "True"}]}]}), encoding="utf-8")
    first = CliRunner().invoke(main, ["import-claimreviews", str(feed), str(search)])
    assert first.exit_code == 0, first.output
    assert first.output.strip().endswith("3 created, 0 updated, 0 unchanged, 0 error")
    again = CliRunner().invoke(main, ["import-claimreviews", str(feed), str(search)])
    assert again.output.strip().endswith("0 created, 0 updated, 3 unchanged, 0 error")
    # Each file was a job, tracked like any other (GET /v1/jobs), with its progress.
    from api.db import database
    from api.models import Job
    with database.connection_context():
        jobs = list(Job.select().order_by(Job.id))
    assert [(j.kind, j.status, j.progress_done, j.progress_total) for j in jobs] == [
        ("claimreview.import", "succeeded", 2, 2), ("claimreview.import", "succeeded", 1, 1)] * 2


def test_bad_items_and_bad_files_are_listed_the_rest_imported_and_the_exit_status_is_1(cli_env):
    items = cli_env / "items.json"
    items.write_text(json.dumps([review(1), review(2, claimReviewed=None)]), encoding="utf-8")
    broken = cli_env / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["import-claimreviews", str(broken), str(items)])
    assert result.exit_code == 1
    assert f"{broken} is not a JSON file in UTF-8" in result.output
    assert f"{items}: item 1 (claimReviewed): claimReviewed is missing or empty" in result.output
    assert result.output.strip().endswith("1 created, 0 updated, 0 unchanged, 1 error")
