"""Exports: the database as NDJSON and back into an empty one, claims as CSV, the CLI commands."""
from __future__ import annotations

import csv
import io
import json
import urllib.request

import pytest
from click.testing import CliRunner
from werkzeug.test import EnvironBuilder

from api import models
from api.app import create_app
from api.cli import main
from api.db import database, is_postgres, migrate
from api.domain.ids import decode_id
from api.services import exports
from api.services import claims as claims_service
from api.presenters.csv import CSV_COLUMNS
from api.domain.errors import DomainError
from api.presenters.export import export_lines
from api.services.imports import import_records
from schemas.exports import parse_lines
from api.services.keys import create_key
from tests.conftest import ApiClient


def import_lines(lines):
    """What `claimtrack import` does: validate each line, load the records."""
    return import_records(parse_lines(lines))

SUMMIT = "the first summit between US and Russian leaders in four years"
FORMULA = '=HYPERLINK("https://evil.example","click")'
# U+2028 and U+0085 end a line for str.splitlines(); the emoji is outside the BMP.
ODD_TEXT = "Line one\u2028line two 🗳️ Zoë said\x85so, in Anchorage."
TYPES = ["source", "person", "event", "mention", "claim", "verdict"]
DATA_TABLES = (models.Evidence, models.Verdict, models.ClaimTag, models.ClaimEvent, models.Appearance,
               models.Mention, models.Claim, models.EventParticipant, models.Event, models.PersonNameToken,
               models.Person, models.Source)


def created(response):
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def dataset(api, samples):
    """Everything an export carries, built through the API from the sample documents."""
    s000, s001 = samples["000"]["id"], samples["001"]["id"]
    odd = created(api.post("/v1/sources", json={"kind": "social_post", "text": ODD_TEXT}))
    putin = created(api.post("/v1/people", json={
        "name": "Vladimir Putin", "description": "President of Russia", "wikidata_id": "Q7747",
        "mentions": [{"source": s000, "exact": "Vladimir Putin", "suffix": " hold a press conference"}]}))
    zelenskyy = created(api.post("/v1/people", json={
        "name": "Volodymyr Zelenskyy", "aliases": ["Zelensky", "Zelenskiy"],
        "mentions": [{"source": s001, "exact": "Volodymyr Zelensky"}]}))
    summit = created(api.post("/v1/events", json={
        "name": "Alaska summit", "kind": "summit", "starts_at": "2025-08-15", "location": "Anchorage, Alaska",
        "participants": [putin["id"], zelenskyy["id"]], "mentions": [{"source": odd["id"], "exact": "Anchorage"}]}))
    claim = created(api.post("/v1/claims", json={
        "claimant": putin["id"], "appearances": [{"source": s001, "exact": SUMMIT}], "tags": ["summit", "history"],
        "events": [summit["id"]], "checkworthiness": 0.7}))
    formula = created(api.post("/v1/claims", json={
        "text": FORMULA, "tags": ["danger", "cmd"],
        "appearances": [{"source": s000, "exact": "ceasefire"}, {"source": s001, "exact": "ceasefire"}]}))
    emoji = created(api.post("/v1/claims", json={"appearances": [{"source": odd["id"], "exact": "line two 🗳️"}]}))
    verdict = created(api.post(f"/v1/claims/{claim['id']}/verdicts", json={
        "rating": "corroborated", "rationale": "The previous US–Russia summit was Geneva, June 2021.",
        "evidence": [{"stance": "supports", "span": {"source": s000, "exact": "a momentous summit on American soil"}},
                     {"stance": "context", "url": "https://en.wikipedia.org/wiki/Geneva_summit",
                      "quote": "The summit was held on 16 June 2021 in Geneva"}]}))
    return {"claims": [claim["id"], formula["id"], emoji["id"]], "verdict": verdict["id"],
            "people": [putin["id"], zelenskyy["id"]], "event": summit["id"], "sources": [s000, s001, odd["id"]]}


def export_text(client: ApiClient) -> str:
    response = client.get("/v1/export", role="reader")
    assert response.status_code == 200, response.data
    return response.get_data(as_text=True)


def split_lines(text: str) -> list[str]:
    assert text.endswith("\n")
    return text[:-1].split("\n")


@pytest.fixture
def rebinds_database(app):
    """For tests that point the global database proxy elsewhere: bound back afterwards."""
    yield
    database.initialize(app.extensions["claimtrack_db"])


def use(client: ApiClient) -> None:
    """Bind the global database proxy to this client's app's database (one is bound at a time)."""
    database.initialize(client.client.application.extensions["claimtrack_db"])


@pytest.fixture
def empty_copy(api, tmp_path, rebinds_database):
    """A second app on a fresh, migrated SQLite file, with its own keys and its own queue (beside
    the file, as in production); `api` stays bound."""
    config = api.client.application.config["CLAIMTRACK"].with_(database_url=f"sqlite:///{tmp_path / 'copy.db'}",
                                                                queue_url=None)
    copy = create_app(config)
    migrate()
    with database.connection_context():
        tokens = {role: create_key(f"copy {role}", role).token for role in ("reader", "checker")}
    use(api)
    return ApiClient(copy, tokens)


def wipe_data() -> None:
    """Empty every exported table, ids restarting, keys kept (a restore onto the same database)."""
    tables = [m._meta.table_name for m in DATA_TABLES]
    with database.atomic():
        if is_postgres():
            database.execute_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                database.execute_sql(f"DELETE FROM {table}")
            placeholders = ", ".join("?" for _ in tables)
            database.execute_sql(f"DELETE FROM sqlite_sequence WHERE name IN ({placeholders})", tables)


def test_the_export_is_ndjson_of_every_type_in_dependency_order_without_secrets(api, dataset):
    response = api.get("/v1/export", role="reader")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    assert response.headers["Content-Disposition"] == "attachment; filename=claimtrack-export.ndjson"
    text = response.get_data(as_text=True)
    lines = [json.loads(line) for line in split_lines(text)]
    assert len(text.splitlines()) == len(lines)  # U+2028 / U+0085 in a source stay escaped
    kinds = [line["type"] for line in lines]
    assert sorted(set(kinds), key=TYPES.index) == TYPES and kinds == sorted(kinds, key=TYPES.index)
    for token in api.tokens.values():
        assert token not in text and token.split("_")[-1] not in text
    with database.connection_context():
        hashes = [key.secret_hash for key in models.ApiKey.select()]
    assert hashes and not any(digest in text for digest in hashes) and '"key_' not in text

    by_id = {line["id"]: line for line in lines}
    claim = by_id[dataset["claims"][0]]
    shown = api.get(f"/v1/claims/{claim['id']}").json
    assert claim["tags"] == shown["tags"] == ["summit", "history"]
    assert claim["events"] == [dataset["event"]] and claim["claimant"] == dataset["people"][0]
    assert claim["appearances"] == shown["appearances"]
    assert (claim["created_at"], claim["updated_at"]) == (shown["created_at"], shown["updated_at"])
    assert claim["latest_verdict"] == dataset["verdict"] and claim["status"] == "corroborated"
    verdict = by_id[dataset["verdict"]]
    assert verdict["reviewer_name"] == "test checker"
    assert [e["stance"] for e in verdict["evidence"]] == ["supports", "context"]
    assert by_id[dataset["event"]]["participants"] == dataset["people"]
    assert by_id[dataset["people"][1]]["aliases"] == ["Zelensky", "Zelenskiy"]
    assert "name_tokens" not in text and by_id[dataset["sources"][2]]["text"] == ODD_TEXT


def test_the_export_reads_each_batch_with_a_fixed_number_of_queries(api, dataset, count_queries):
    with database.connection_context():
        lines = list(export_lines())
    assert len(lines) == 3 + 2 + 1 + 3 + 3 + 1
    # One per table (imported reviews too), plus participants, claim tags/events/appearances,
    # evidence: never per row.
    assert len(count_queries.queries) == 7 + 1 + 3 + 1, count_queries.queries


def test_the_stream_does_not_need_the_requests_connection(api, dataset):
    expected = export_text(api)
    environ = EnvironBuilder("/v1/export", headers={"Authorization": f"Bearer {api.tokens['reader']}"}).get_environ()
    body = api.client.application(environ, lambda status, headers, exc_info=None: None)
    database.close()  # the view has returned, nothing is read yet: as if teardown_request had run
    try:
        assert b"".join(body).decode("utf-8") == expected
    finally:
        body.close()
    assert database.is_closed()


def test_export_import_export_into_an_empty_database_gives_the_same_lines(api, dataset, empty_copy, monkeypatch):
    # Small batches: keyset continuation and mid-stream flushes are exercised too.
    monkeypatch.setattr(exports, "BATCH", 2)
    monkeypatch.setattr(exports, "SOURCE_BATCH", 1)
    first = export_text(api)
    originals = {cid: api.get(f"/v1/claims/{cid}") for cid in dataset["claims"]}
    zelenskyy = api.get("/v1/people?name=zelensky").json["data"]

    use(empty_copy)
    with database.connection_context():
        counts = import_lines(io.StringIO(first))
    assert counts == {"source": 3, "person": 2, "event": 1, "mention": 3, "claim": 3, "verdict": 1, "imported_review": 0}
    assert export_text(empty_copy) == first

    # Same URLs, same ETags, name lookup rebuilt, full-text search indexed.
    for claim_id, original in originals.items():
        copied = empty_copy.get(f"/v1/claims/{claim_id}")
        assert copied.headers["ETag"] == original.headers["ETag"]
        mine, theirs = copied.json, original.json
        if theirs["latest_verdict"]:  # the reviewer's key stays behind; the name comes along
            assert mine["latest_verdict"]["reviewer"] == {"id": None, "name": "test checker"}
            mine["latest_verdict"]["reviewer"] = theirs["latest_verdict"]["reviewer"]
        assert mine == theirs
    assert empty_copy.get("/v1/people?name=zelensky").json["data"] == zelenskyy
    assert [c["id"] for c in empty_copy.get("/v1/claims?q=summit").json["data"]] == dataset["claims"][:1]
    assert sorted(s["id"] for s in empty_copy.get("/v1/sources?q=Anchorage").json["data"]) == sorted(dataset["sources"])

    # New rows get new ids (sqlite_sequence followed the explicit ids).
    source = created(empty_copy.post("/v1/sources", json={"text": "A new text after the import."}))
    assert decode_id("source", source["id"]) == 4


# Another desk's fact-check, with everything an imported review keeps (tests/api/test_claimreview_import.py).
CLAIMREVIEW = {
    "@context": "https://schema.org", "@type": "ClaimReview", "url": "https://desk.example/checks/42",
    "claimReviewed": "The bridge was built in 1890.", "datePublished": "2024-05-01", "headline": "Not in 1890",
    "author": {"@type": "Organization", "name": "Desk", "url": "https://desk.example"},
    "reviewRating": {"@type": "Rating", "alternateName": "Mostly false", "ratingValue": 2, "bestRating": 5,
                     "worstRating": 1},
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Jane Doe"}, "datePublished": "2024-04-28",
                     "appearance": [{"url": "https://social.example/p/1", "datePublished": "2024-04-29"}]},
    "sdLicense": "https://creativecommons.org/licenses/by/4.0/", "inLanguage": "en"}


def test_an_imported_claimreview_round_trips_with_its_review(api, empty_copy):
    imported = api.post("/v1/claimreviews/import", json=CLAIMREVIEW)
    assert imported.status_code == 200, imported.json
    claim_id = imported.json["items"][0]["claim"]
    first = export_text(api)
    published = api.get(f"/v1/claims/{claim_id}/claimreview").json
    review, = [line for line in map(json.loads, split_lines(first)) if line["type"] == "imported_review"]
    assert review == {
        "type": "imported_review", "claim": claim_id, "source": review["source"],
        "review_url": "https://desk.example/checks/42", "publisher": "Desk", "publisher_url": "https://desk.example",
        "title": "Not in 1890", "rating_text": "Mostly false", "rating_value": 2.0, "best_rating": 5.0,
        "worst_rating": 1.0, "review_date": "2024-05-01", "language": "en",
        "license": "https://creativecommons.org/licenses/by/4.0/", "claimant_name": "Jane Doe",
        "claimant_is_person": True, "claim_date": "2024-04-28",
        "appearances": [{"date": "2024-04-29", "url": "https://social.example/p/1"}],
        "created_at": review["created_at"], "updated_at": review["updated_at"]}

    use(empty_copy)
    with database.connection_context():
        counts = import_lines(io.StringIO(first))
    assert counts["imported_review"] == 1 and counts["claim"] == 1
    assert export_text(empty_copy) == first
    # What the copy publishes is the desk's review, as the original database publishes it ...
    assert empty_copy.get(f"/v1/claims/{claim_id}/claimreview").json == published
    # ... and importing the same review again finds it by its URL, with nothing changed.
    again = empty_copy.post("/v1/claimreviews/import", json=CLAIMREVIEW)
    assert again.json["items"][0] == {**imported.json["items"][0], "status": "unchanged"}


def test_a_restore_onto_the_wiped_database_continues_every_id_sequence(api, dataset, samples):
    first = export_text(api)
    with database.connection_context():
        wipe_data()
        import_lines(io.StringIO(first))
    assert export_text(api) == first
    # The wipe restarted the ids (TRUNCATE … RESTART IDENTITY, sqlite_sequence emptied):
    # the import must have moved each sequence past the ids it inserted.
    claim = created(api.post("/v1/claims", json={"appearances": [
        {"source": samples["001"]["id"], "exact": "there’s no deal until there’s a deal"}]}))
    assert decode_id("claim", claim["id"]) == 4
    person = created(api.post("/v1/people", json={"name": "Marco Rubio"}))
    assert decode_id("person", person["id"]) == 3
    verdict = created(api.post(f"/v1/claims/{claim['id']}/verdicts", json={"rating": "unverifiable"}))
    assert decode_id("verdict", verdict["id"]) == 2


def test_importing_into_a_database_with_data_is_refused_and_changes_nothing(api, dataset):
    first = export_text(api)
    with database.connection_context(), pytest.raises(DomainError, match="already holds data .*empty"):
        import_lines(io.StringIO(first))
    assert export_text(api) == first


def source_line(**changes) -> str:
    line = {"type": "source", "id": "src_k6h8gtxn", "kind": "article", "title": None, "url": None,
            "publisher": None, "author": None, "published_at": None, "language": "en", "text": "Some text.",
            "created_at": "2025-08-15T19:00:00.000Z", "updated_at": "2025-08-15T19:00:00.000Z", "version": 1}
    return json.dumps({**line, **changes})


CLAIM = {"type": "claim", "id": "clm_k6h8gtxn", "text": "Some", "claimant": None, "status": "unreviewed",
         "origin": "manual", "checkworthiness": None, "latest_verdict": None, "tags": [], "events": [],
         "appearances": [{"source": "src_k6h8gtxn", "start": 0, "end": 4, "exact": "Some", "prefix": "",
                          "suffix": " text."}],
         "created_at": "2025-08-15T19:00:00.000Z", "updated_at": "2025-08-15T19:00:00.000Z", "version": 1}


def review_line(**changes) -> str:
    line = {"type": "imported_review", "claim": "clm_k6h8gtxn", "source": "src_k6h8gtxn",
            "review_url": "https://desk.example/checks/1", "publisher": "Desk", "publisher_url": None, "title": None,
            "rating_text": "False", "rating_value": None, "best_rating": None, "worst_rating": None,
            "review_date": "2024-05-01", "language": "en", "license": None, "claimant_name": None,
            "claimant_is_person": False, "claim_date": None, "appearances": [],
            "created_at": "2025-08-15T19:00:00.000Z", "updated_at": "2025-08-15T19:00:00.000Z"}
    return json.dumps({**line, **changes})


@pytest.mark.parametrize("lines,message", [
    (["{not json"], "line 1: not JSON"),
    (['{"type": "widget", "id": "wdg_1"}'], "line 1: unknown type 'widget'"),
    (["[1, 2]"], "line 1: unknown type None"),
    ([json.dumps({"type": "source", "id": "src_k6h8gtxn"})], r"line 1 \(source\): missing kind, title, .*, version$"),
    ([source_line(extra=1)], r"line 1 \(source\): unknown extra"),
    ([source_line(id="clm_k6h8gtxn")], r"line 1 \(source\): id: must be a source id"),
    ([source_line(version="1")], r"line 1 \(source\): version: must be an integer"),
    ([source_line(created_at="yesterday")], r"line 1 \(source\): created_at: must be an RFC 3339 timestamp"),
    ([source_line(text="\ufeffSome text.")], r"line 1 \(source\): text starts with a byte-order mark"),
    ([source_line(), source_line()], r"line 2 \(source\): src_k6h8gtxn is defined twice"),
    ([json.dumps(CLAIM)], r"line 1 \(claim\): appearance source src_k6h8gtxn is not defined on an earlier line"),
    ([source_line(), "", json.dumps({**CLAIM, "appearances": [{**CLAIM["appearances"][0], "start": "0"}]})],
     r"line 3 \(claim\): appearances.0.start: must be an integer"),
    ([source_line(), json.dumps({**CLAIM, "latest_verdict": "vrd_k6h8gtxn"})],
     r"line 2 \(claim\): latest_verdict vrd_k6h8gtxn is not in the file"),

    # Values the API itself would refuse are refused on import too: the domain's enums ...
    ([source_line(), json.dumps({**CLAIM, "status": "totally-made-up"})],
     r"line 2 \(claim\): status: must be one of: unreviewed, corroborated, .*unverifiable"),
    ([source_line(kind="pamphlet")], r"line 1 \(source\): kind: must be one of: article, "),
    # ... and spans, resolved against their source's text by the one resolver.
    ([source_line(), json.dumps({**CLAIM, "appearances": [{**CLAIM["appearances"][0], "exact": "Same"}]})],
     r"line 2 \(claim\): appearances.0.exact: "),
    ([source_line(), json.dumps({**CLAIM, "appearances": [{**CLAIM["appearances"][0], "end": 400}]})],
     r"line 2 \(claim\): appearances.0.end: "),
    # An imported review: no id (its URL is its key), the columns' types and lengths, earlier rows only.
    ([source_line(), json.dumps(CLAIM), review_line(id="rev_1")], r"line 3 \(imported_review\): unknown id$"),
    ([source_line(), json.dumps(CLAIM), review_line(claimant_is_person="yes")],
     r"line 3 \(imported_review\): claimant_is_person: must be true or false"),
    ([source_line(), json.dumps(CLAIM), review_line(language="x" * 36)],
     r"line 3 \(imported_review\): language: must be at most 35 characters"),
    ([source_line(), json.dumps(CLAIM), review_line(appearances=[{"url": 7}])],
     r"line 3 \(imported_review\): appearances.0.url: must be a string"),
    ([source_line(), review_line()], r"line 2 \(imported_review\): claim clm_k6h8gtxn is not defined on an earlier line"),
    ([source_line(), json.dumps(CLAIM), review_line(), review_line()],
     r"line 4 \(imported_review\): review_url: the review https://desk.example/checks/1 is defined twice"),
])
def test_a_bad_line_is_refused_naming_it_and_nothing_is_imported(app, lines, message):
    with database.connection_context():
        with pytest.raises(DomainError, match=message):
            import_lines(line + "\n" for line in lines)
        assert models.Source.select().count() == 0


def test_claims_as_csv_have_a_header_one_row_per_appearance_and_no_formulas(api, dataset):
    response = api.get("/v1/claims?limit=1", headers={"Accept": "text/csv"}, role="reader")
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/csv" and response.mimetype_params.get("charset") == "utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=claims.csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    # Every matching claim (limit and cursor do not apply), one row per appearance, oldest first.
    assert [row["id"] for row in rows] == [dataset["claims"][0]] + [dataset["claims"][1]] * 2 + [dataset["claims"][2]]
    summit = rows[0]
    shown = api.get(f"/v1/claims/{summit['id']}").json
    assert summit["status"] == "corroborated" and summit["claimant_name"] == "Vladimir Putin"
    assert summit["claimant_id"] == dataset["people"][0] and summit["tags"] == "summit;history"
    assert (summit["source_id"], int(summit["start"]), int(summit["end"]), summit["exact"]) == \
        tuple(shown["appearances"][0][k] for k in ("source", "start", "end", "exact"))
    assert summit["created_at"] == shown["created_at"] and float(summit["checkworthiness"]) == 0.7
    formula = rows[1]
    assert formula["text"] == "'" + FORMULA and formula["tags"] == "danger;cmd"
    assert formula["claimant_id"] == "" and {rows[1]["source_id"], rows[2]["source_id"]} == set(dataset["sources"][:2])
    assert rows[3]["exact"] == "line two 🗳️"

    filtered = api.get("/v1/claims?status=corroborated&sort=-created_at", headers={"Accept": "text/csv"})
    assert [row["id"] for row in csv.DictReader(io.StringIO(filtered.get_data(as_text=True)))] == dataset["claims"][:1]
    assert api.get("/v1/claims").mimetype == "application/json"
    assert api.get("/v1/claims", headers={"Accept": "application/json, text/csv;q=0.5"}).mimetype == "application/json"


def test_claims_csv_walks_every_batch_and_keeps_the_sort(api, dataset, monkeypatch):
    monkeypatch.setattr(claims_service, "BATCH", 1)
    response = api.get("/v1/claims?sort=-created_at", headers={"Accept": "text/csv"})
    ids = list(dict.fromkeys(row["id"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))))
    assert ids == dataset["claims"][::-1]


def test_the_export_needs_a_key_and_takes_no_parameters(api, dataset):
    assert api.get("/v1/export", role=None).status_code == 401
    assert api.get("/v1/export?since=2025-01-01", role="reader").status_code == 422


def run_cli(*args, ok=True):
    result = CliRunner().invoke(main, list(args))
    assert (result.exit_code == 0) == ok, result.output
    return result


def test_the_cli_exports_to_a_file_and_imports_it_into_an_empty_database(
        api, dataset, database_url, tmp_path, monkeypatch, rebinds_database):
    expected = export_text(api)
    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path / "dump.ndjson"
    result = run_cli("export", "-o", str(out))
    assert out.read_text(encoding="utf-8") == expected
    assert "wrote" in result.stderr and result.stdout == ""
    assert run_cli("export").stdout == expected

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'copy.db'}")
    result = run_cli("import", str(out))
    assert "imported: 3 source, 2 person, 1 event, 3 mention, 3 claim, 1 verdict" in result.stdout
    assert run_cli("export").stdout == expected
    refused = run_cli("import", str(out), ok=False)
    assert refused.exit_code == 1 and "already holds data" in refused.output


def test_the_export_streams_under_gunicorn(api, dataset, live_server):
    expected = export_text(api)
    request = urllib.request.Request(f"{live_server}/v1/export",
                                     headers={"Authorization": f"Bearer {api.tokens['reader']}"})
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.headers["Content-Type"] == "application/x-ndjson"
        assert response.read().decode("utf-8") == expected
