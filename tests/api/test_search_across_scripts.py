"""People lookup and `q` search fold text the same way on SQLite and PostgreSQL: a name word
stays one word in every script, accents and invisible characters never decide a match, and a
search has a bounded number of words (422 beyond it, never 503)."""
from __future__ import annotations

from tests.support import WAIT

import importlib

import pytest

from api.domain.text import INVISIBLE, MAX_SEARCH_WORDS


@pytest.fixture
def people(api) -> dict[str, str]:
    names = {"zelenskyy": "Volodymyr Zelenskyy", "obrien": "Siobhán O\u2019Brien",
             "bezuhla": "Mar\u02bcyana Bezuhla", "cyrillic": "Юлія Свириденко"}
    return {key: api.post("/v1/people", json={"name": name}).json["id"] for key, name in names.items()}


@pytest.mark.parametrize("query, who", [
    ("Зеленський", "zelenskyy"),  # Ukrainian: the soft sign must not split the word
    ("Зеленский", "zelenskyy"),  # Russian
    ("zelenskiy", "zelenskyy"),
    ("ZELENSKY", "zelenskyy"),
    ("Володимир Зеленський", "zelenskyy"),
    ("O'Brien", "obrien"),
    ("obrien", "obrien"),
    ("siobhan", "obrien"),
    ("Maryana", "bezuhla"),
    ("Mar'yana", "bezuhla"),
    ("svyrydenko", "cyrillic"),  # the official romanisation; anyascii spells it Sviridenko
    ("Свириденко", "cyrillic"),
    ("sviridenko", "cyrillic"),
    ("Yuliia", None),
])
def test_name_lookup_across_scripts(api, people, query, who):
    found = [p["id"] for p in api.get("/v1/people", query_string={"name": query}).json["data"]]
    assert found == ([people[who]] if who else [])


SEARCHABLE = {
    "accent": "Jos\u00e9 Ramos said the port reopened.",
    "decomposed": "Rene\u0301e Okafor said the dam would hold.",
    "invisible": "The Ge\u00adsamt\u00adkonzept was approved.",
    "zero_width": "The fund\u200bing starts in 2027.",
    "dotted": "Figures were published on example.org at a 3.5 percent rate.",
    "hyphen": "A so-called ceasefire held for a day.",
    "cyrillic": "Зеленський заявив про перемир\u02bcя.",
}


@pytest.fixture
def claims(api) -> dict[str, str]:
    ids = {}
    for key, text in SEARCHABLE.items():
        source = api.post("/v1/sources", json={"kind": "article", "title": key, "text": text}).json
        claim = api.post("/v1/claims", json={"appearances": [{"source": source["id"], "start": 0, "end": len(text)}]})
        assert claim.status_code == 201, claim.json
        ids[key] = claim.json["id"]
    return ids


@pytest.mark.parametrize("q, keys", [
    ("jose", ["accent"]),
    ("Jos\u00e9", ["accent"]),
    ("Jose\u0301", ["accent"]),
    ("renee", ["decomposed"]),
    ("Ren\u00e9e", ["decomposed"]),
    ("Gesamtkonzept", ["invisible"]),
    ("funding", ["zero_width"]),
    ("example", ["dotted"]),
    ("example.org", ["dotted"]),
    ("3.5", ["dotted"]),
    ("called", ["hyphen"]),
    ("so-called ceasefire", ["hyphen"]),
    ("ЗЕЛЕНСЬКИЙ", ["cyrillic"]),
    ("said", ["accent", "decomposed"]),
])
def test_q_finds_the_same_claims_on_every_database(api, claims, q, keys):
    found = {c["id"] for c in api.get("/v1/claims", query_string={"q": q}).json["data"]}
    assert found == {claims[k] for k in keys}


@pytest.mark.parametrize("url, name, words", [
    ("/v1/people", "name", lambda n: " ".join(f"name{i}" for i in range(n))),
    ("/v1/people", "q", lambda n: " ".join(f"word{i}" for i in range(n))),
    ("/v1/claims", "q", lambda n: " ".join(f"word{i}" for i in range(n))),
    ("/v1/sources", "q", lambda n: "-".join(f"w{i}" for i in range(n))),
])
def test_a_search_is_bounded_in_words_and_answers_at_the_bound(api, url, name, words):
    at_bound = api.get(url, query_string={name: words(MAX_SEARCH_WORDS)})
    beyond = api.get(url, query_string={name: words(80)})
    assert at_bound.status_code == 200 and at_bound.json["data"] == []
    assert beyond.status_code == 422 and name in beyond.json["errors"]


def test_the_index_migration_drops_the_same_invisible_characters_as_the_fold():
    migration = importlib.import_module("api.migrations.0004_search_folding")
    assert set(migration.INVISIBLE) == INVISIBLE


def test_the_demo_data_finds_zelenskyy_by_his_ukrainian_and_russian_spellings(api, samples):
    for source in samples.values():
        assert api.post(f"/v1/sources/{source['id']}/extraction", headers=WAIT).status_code == 200
    for spelling in ("Зеленський", "Зеленский", "Володимир Зеленський"):
        names = [p["name"] for p in api.get("/v1/people", query_string={"name": spelling}).json["data"]]
        assert names == ["Volodymyr Zelenskyy"], spelling
