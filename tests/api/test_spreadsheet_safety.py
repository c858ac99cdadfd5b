"""Claims as CSV in every spreadsheet dialect: no cell runs as a formula whether the reader
splits on commas, semicolons or tabs; tags are one tag each; an optional UTF-8 BOM; the
latest verdict's rating and rationale as columns."""
from __future__ import annotations

import csv
import io

import pytest

from api.domain.spreadsheet import spreadsheet_cell

TEXT = "Officials said the budget rose;=1+2 and then\tfell,@SUM(A1) in 2024."


def _claim(api, **extra) -> dict:
    source = api.post("/v1/sources", json={"kind": "article", "title": "Budget", "text": TEXT}).json
    response = api.post("/v1/claims", json={"appearances": [{"source": source["id"], "start": 14, "end": len(TEXT)}], **extra})
    assert response.status_code == 201, response.json
    return response.json


def _csv(api, query: str = "") -> str:
    response = api.get(f"/v1/claims{query}", headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return response.get_data(as_text=True)


FORMULA_STARTS = ("=", "+", "-", "@")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_no_cell_starts_a_formula_in_any_dialect(api, delimiter):
    _claim(api, text="the budget rose;=1+2, -3\t+4", tags=["budget", "fiscal 2024"])
    body = _csv(api)
    # Read the file as a spreadsheet in that dialect would (quotes honoured), then look at
    # every cell as the spreadsheet sees it: leading spaces trimmed.
    for row in csv.reader(io.StringIO(body), delimiter=delimiter):
        for cell in row:
            assert not cell.strip(" \"").startswith(FORMULA_STARTS), (delimiter, cell)


def test_text_cells_holding_a_delimiter_are_quoted(api):
    _claim(api, text="the budget rose;=1+2")
    line = _csv(api).splitlines()[1]
    assert "\"the budget rose;'=1+2\"" in line


@pytest.mark.parametrize("tag", ["=1+3", "a;b", "a,b", "x\ty", "-minus", "@home", "two\nlines", " "])
def test_a_tag_holding_a_separator_or_formula_start_is_422(api, tag):
    source = api.post("/v1/sources", json={"kind": "article", "title": "t", "text": "Exports rose 3 percent."}).json
    response = api.post("/v1/claims", json={"appearances": [{"source": source["id"], "start": 0, "end": 12}],
                                            "tags": ["a", tag]})
    assert response.status_code == 422 and "tags.1" in response.json["errors"]


def test_tags_are_one_cell_split_by_the_documented_separator(api):
    _claim(api, tags=["Covid-19", "  EU/UK  trade ", "C++", "l'économie"])
    row = next(csv.DictReader(io.StringIO(_csv(api))))
    assert row["tags"].split(";") == ["covid-19", "eu/uk trade", "c++", "l'économie"]


def test_bom_on_request_only(api):
    _claim(api)
    assert _csv(api, "?bom=1").startswith("\ufeff\"id\",")
    assert _csv(api).startswith("\"id\",")


def test_latest_verdict_rating_and_rationale_are_columns(api):
    claim = _claim(api)
    api.post(f"/v1/claims/{claim['id']}/verdicts", json={"rating": "unverifiable", "rationale": "=No data; yet"})
    row = next(csv.DictReader(io.StringIO(_csv(api))))
    assert (row["latest_rating"], row["latest_rationale"]) == ("unverifiable", "'=No data; yet")
    assert row["latest_verdict_at"].endswith("Z")


def test_spreadsheet_cell_rules():
    assert spreadsheet_cell("a; +1") == "a; '+1"
    assert spreadsheet_cell("well-known cost -5%") == "well-known cost -5%"
    assert spreadsheet_cell("\r=1") == "\r'=1"
    assert spreadsheet_cell(0.5) == 0.5 and spreadsheet_cell(None) == ""
