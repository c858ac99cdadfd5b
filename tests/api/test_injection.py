"""An injection corpus against every filter, every string field of the create operations, path
ids and the raw JSON body.

Whatever the input: the answer is a 2xx or a 4xx (never a 5xx), every 4xx is problem+json,
U+0000 is refused with 422, and nothing stored changes except what a request that legitimately
succeeded created (which must hold the string verbatim). Filters come from openapi.yaml, so a
new filter is attacked as soon as it is documented.
"""
from __future__ import annotations

import copy
import itertools
import json
import re
from pathlib import Path

import pytest
import yaml

from api.domain.tags import normalize_tag
from api.domain.text import name_tokens
from tests.support import post_samples

PROBLEM = "application/problem+json"
ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
NUL = "a\u0000b"

CORPUS = {
    "sql-or": "' OR 1=1 --",
    "sql-drop": "\"; DROP TABLE claim; --",
    "sql-percent": "%",
    "sql-underscore": "_",
    "sql-backslash": "\\",
    "fts-near": "NEAR(a b)",
    "fts-or": "a OR b",
    "fts-star": "*",
    "fts-column": "col:val",
    "fts-caret": "^x",
    "traversal": "../../etc/passwd",
    "traversal-encoded": "%2e%2e%2f",
    "long": "x" * 100_000,
    "emoji": "🗳️ 👍🏽 👨‍👩‍👧 Zoë",
    "combining": "e\u0301 Z\u0335\u0336a\u0301\u0308l\u0337g\u0338o",
    "nul": NUL,
}

# Quotes that occur exactly once in the sample documents.
QUOTE_001 = "The three-hour meeting ended with a 12-minute joint press conference"
QUOTE_000 = "Karoline Leavitt said on Thursday"


def check(response, what: str, failures: list[str], *, nul: bool = False) -> bool:
    """2xx or a 4xx problem+json (422 when the input held U+0000); True if it succeeded."""
    status = response.status_code
    if status >= 500 or status < 200 or 300 <= status < 400:
        failures.append(f"{what}: {status} {response.data[:200]!r}")
        return False
    if nul and status != 422:
        failures.append(f"{what}: U+0000 answered {status}, not 422")
    if status >= 400 and response.mimetype != PROBLEM:
        failures.append(f"{what}: {status} as {response.mimetype}, not problem+json")
    return status < 300


@pytest.fixture(scope="module")
def api(module_api):
    """One shared world for the module (see conftest's module_api)."""
    return module_api


@pytest.fixture(scope="module")
def world(api) -> dict[str, str]:
    sources = {key: source["id"] for key, source in post_samples(api).items()}
    person = api.post("/v1/people", json={"name": "Donald Trump", "aliases": ["Donald J. Trump"]})
    assert person.status_code == 201, person.json
    event = api.post("/v1/events", json={"name": "Alaska summit", "participants": [person.json["id"]]})
    assert event.status_code == 201, event.json
    claim = api.post("/v1/claims", json={"claimant": person.json["id"], "events": [event.json["id"]], "appearances": [
        {"source": sources["001"], "exact": "We had an extremely productive meeting"}]})
    assert claim.status_code == 201, claim.json
    verdict = api.post(f"/v1/claims/{claim.json['id']}/verdicts", json={"rating": "unverifiable"})
    assert verdict.status_code == 201, verdict.json
    # Disabled, and at a public address: nothing is ever sent to it.
    webhook = api.post("/v1/webhooks", role="admin", json={"url": "https://93.184.215.14/hooks",
                                                           "event_types": ["claim.created"], "enabled": False})
    assert webhook.status_code == 201, webhook.json
    return {"source": sources["001"], "other_source": sources["000"], "person": person.json["id"],
            "event": event.json["id"], "claim": claim.json["id"], "verdict": verdict.json["id"],
            "webhook": webhook.json["id"]}


def everything(api, kind: str) -> list[dict]:
    url, items = f"/v1/{kind}?limit=200", []
    while True:
        response = api.get(url, role="admin")
        assert response.status_code == 200, response.json
        if kind == "keys":
            return response.json
        items += response.json["data"]
        if not response.json["next_cursor"]:
            return items
        url = f"/v1/{kind}?limit=200&cursor={response.json['next_cursor']}"


def snapshot(api) -> dict[str, list[dict]]:
    return {kind: everything(api, kind) for kind in ("sources", "people", "events", "claims", "keys", "audit")}


def without(snap: dict, created: set[str], created_verdicts: set[str] = frozenset(), *, claim: str | None = None) -> dict:
    """The snapshot less what succeeding requests made: their resources, their audit entries,
    the per-source counts they raise, and (for verdicts) the claim they were recorded on."""
    kept = {kind: [item for item in items if item.get("id") not in created and item.get("id") != claim]
            for kind, items in snap.items() if kind != "audit"}
    kept["sources"] = [{k: v for k, v in s.items() if k != "counts"} for s in kept["sources"]]
    kept["audit"] = [entry for entry in snap["audit"] if entry["resource"] not in created
                     and not (entry["action"] == "verdict" and entry["details"].get("verdict") in created_verdicts)]
    return kept


# --- filters: every query parameter of every documented GET ----------------------------------

# The paging parameters are the same fields on every list (schemas.common.list_query_schema) and
# no corpus string gets past them, so they are attacked on one list; every other parameter on
# every operation. test_paging_parameters_are_the_same_everywhere keeps that shortcut honest.
PAGING = ("limit", "cursor", "sort", "offsets")
PAGING_PROBE = "/v1/claims"
# Named like a paging parameter but not one (a different range): attacked in its own right.
NOT_PAGING = {("/v1/claims/{claim_id}/matches", "limit")}


def _query_parameters() -> dict[str, dict[str, dict]]:
    found = {}
    for path, item in SPEC["paths"].items():
        operation = item.get("get")
        if operation is not None:
            params = {p["name"]: p for p in operation.get("parameters", []) + item.get("parameters", [])
                      if p["in"] == "query"}
            if params:
                found[path] = params
    return found


QUERY_PARAMETERS = _query_parameters()
QUERY_OPERATIONS = [(path, [n for n in params if path == PAGING_PROBE or n not in PAGING or (path, n) in NOT_PAGING])
                    for path, params in QUERY_PARAMETERS.items()]
QUERY_OPERATIONS = [(path, names) for path, names in QUERY_OPERATIONS if names]


def test_the_filter_corpus_reaches_the_list_operations():
    paths = {path for path, _ in QUERY_OPERATIONS}
    assert {"/v1/sources", "/v1/people", "/v1/events", "/v1/claims", "/v1/audit"} <= paths, paths
    assert set(PAGING) <= set(QUERY_PARAMETERS[PAGING_PROBE])


def test_paging_parameters_are_the_same_everywhere():
    def comparable(param):
        schema = {k: v for k, v in param["schema"].items() if not (param["name"] == "sort" and k in ("enum", "default"))}
        return {**param, "schema": schema}
    probe = QUERY_PARAMETERS[PAGING_PROBE]
    for path, params in QUERY_PARAMETERS.items():
        for name in PAGING:
            if name in params and (path, name) not in NOT_PAGING:
                assert comparable(params[name]) == comparable(probe[name]), \
                    f"GET {path}?{name} differs from GET {PAGING_PROBE}?{name}: attack it in its own right"


def concrete(path: str, world: dict[str, str]) -> str:
    ids = {"source_id": world["source"], "person_id": world["person"], "event_id": world["event"],
           "claim_id": world["claim"], "verdict_id": world["verdict"], "webhook_id": world["webhook"]}

    def substitute(match):
        assert match.group(1) in ids, f"no id for {{{match.group(1)}}} in {path}: add it to concrete()"
        return ids[match.group(1)]
    return re.sub(r"\{([^}]+)\}", substitute, path)


def _matches_name(person: dict, value: str) -> bool:
    words = name_tokens(value)
    have = name_tokens(person["name"], *person["aliases"])
    return bool(words) and all(any(h.startswith(w) for h in have) for w in words)


# Filters that compare whole values (or name words), with what they should find computed from
# the full listing: anything more would mean the value reached the SQL as code.
EXACT_FILTERS = {
    ("/v1/sources", "publisher"): ("sources", lambda item, value: item["publisher"] == value),
    ("/v1/events", "kind"): ("events", lambda item, value: item["kind"] == value),
    ("/v1/claims", "tag"): ("claims", lambda item, value: normalize_tag(value) in item["tags"]),
    ("/v1/people", "wikidata_id"): ("people", lambda item, value: item["wikidata_id"] == value),
    ("/v1/people", "name"): ("people", _matches_name),
}


@pytest.mark.parametrize("path,names", QUERY_OPERATIONS, ids=[f"GET {p}" for p, _ in QUERY_OPERATIONS])
def test_the_corpus_in_every_filter_is_harmless(api, world, path, names):
    url = concrete(path, world)
    before = snapshot(api)
    failures: list[str] = []
    for name, (label, value) in itertools.product(names, CORPUS.items()):
        query = {name: value, **({"limit": 200} if (path, name) in EXACT_FILTERS else {})}
        response = api.get(url, role="admin", query_string=query)
        what = f"GET {path}?{name}=<{label}>"
        if check(response, what, failures, nul=label == "nul") and (path, name) in EXACT_FILTERS:
            kind, matches = EXACT_FILTERS[(path, name)]
            expected = {item["id"] for item in before[kind] if matches(item, value)}
            found = {item["id"] for item in response.json["data"]}
            if found != expected:
                failures.append(f"{what}: found {len(found)} resources, expected {len(expected)}")
    # U+0000 in a parameter's name is refused too, not silently ignored.
    check(api.get(url, role="admin", query_string={"x\u0000": "1"}), f"GET {path}?x<NUL>=1", failures, nul=True)
    assert not failures, "\n".join(failures)
    assert snapshot(api) == before


# --- string body fields of the create operations ---------------------------------------------

def set_path(body: dict, dotted: str, value) -> dict:
    body = copy.deepcopy(body)
    *parents, last = dotted.split(".")
    target = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


def get_path(body, dotted: str):
    for part in dotted.split("."):
        body = body[int(part)] if isinstance(body, list) else body[part]
    return body


numbers = itertools.count(1)


def unique_text() -> str:
    return f"A source text stored only once, number {next(numbers)}."


def _creates(world: dict[str, str]) -> dict[str, tuple[str, list[tuple[dict, list[str]]]]]:
    """operation → (url, [(a body that succeeds, the string fields to attack in it)])."""
    s, s0, p, e, c = world["source"], world["other_source"], world["person"], world["event"], world["claim"]
    span = ["source", "exact", "prefix", "suffix"]
    return {
        "POST /v1/sources": ("/v1/sources", [
            ({"text": "", "kind": "article", "title": "t", "url": "https://example.org/a", "publisher": "p",
              "author": "a", "published_at": "2025-08-15", "language": "en"},
             ["text", "kind", "title", "url", "publisher", "author", "published_at", "language"])]),
        "POST /v1/people": ("/v1/people", [
            ({"name": "Base Person", "aliases": ["Alias"], "description": "d", "wikidata_id": "Q1",
              "mentions": [{"source": s, "exact": QUOTE_001}]},
             ["name", "aliases.0", "description", "wikidata_id"] + [f"mentions.0.{f}" for f in span])]),
        "POST /v1/events": ("/v1/events", [
            ({"name": "Base event", "kind": "summit", "description": "d", "starts_at": "2025-08-15",
              "ends_at": "2025-08-16", "location": "Anchorage", "participants": [p],
              "mentions": [{"source": s, "exact": QUOTE_001}]},
             ["name", "kind", "description", "starts_at", "ends_at", "location", "participants.0"]
             + [f"mentions.0.{f}" for f in span])]),
        "POST /v1/claims": ("/v1/claims", [
            ({"text": "Base claim", "claimant": p, "events": [e], "appearances": [{"source": s, "exact": QUOTE_001}],
              "tags": ["base"]},
             ["text", "claimant", "events.0", "tags.0"] + [f"appearances.0.{f}" for f in span])]),
        "POST /v1/claims/{claim_id}/verdicts": (f"/v1/claims/{c}/verdicts", [
            ({"rating": "partly_corroborated", "rationale": "r",
              "evidence": [{"stance": "context", "url": "https://example.org/e", "quote": "q"}]},
             ["rating", "rationale", "evidence.0.stance", "evidence.0.url", "evidence.0.quote"]),
            ({"rating": "partly_corroborated", "evidence": [{"stance": "context", "span": {"source": s0, "exact": QUOTE_000}}]},
             [f"evidence.0.span.{f}" for f in span])]),
        "POST /v1/keys": ("/v1/keys", [({"name": "k", "role": "reader"}, ["name", "role"])]),
    }


CREATES = list(_creates({k: "x" for k in ("source", "other_source", "person", "event", "claim", "verdict")}))

# How a stored string may legitimately differ from the one sent (documented normalisations).
NORMALISED = {
    ("POST /v1/claims", "text"): str.strip,
    ("POST /v1/claims", "tags.0"): normalize_tag,
}


def with_fresh_text(operation: str, body: dict) -> dict:
    """Source texts are unique: every source body gets one of its own (unless text is attacked)."""
    if operation == "POST /v1/sources" and body.get("text") == "":
        return {**body, "text": unique_text()}
    return body


def stored_resources(api, operation: str, after: dict, claim: str | None) -> dict[str, dict]:
    """id → the resource as stored now, read from the listings (one query for all of them)."""
    if "verdicts" in operation:
        return {v["id"]: v for v in everything_verdicts(api, claim)}
    kind = operation.split("/")[2]
    return {item["id"]: item for item in after[kind]}


@pytest.mark.parametrize("operation", CREATES)
def test_the_corpus_in_every_string_field_of_a_create_is_refused_or_stored_verbatim(api, world, operation):
    url, bodies = _creates(world)[operation]
    created: set[str] = set()
    created_verdicts: set[str] = set()
    mine = created_verdicts if "verdicts" in operation else created
    for body, _ in bodies:  # the bases succeed, so each refusal below is the payload's doing
        response = api.post(url, json=with_fresh_text(operation, body), role="admin")
        assert response.status_code == 201, (operation, body, response.json)
        mine.add(response.json["id"])
    claim = world["claim"] if "verdicts" in operation else None
    before = snapshot(api)
    failures: list[str] = []
    accepted: list[tuple[str, str, str, str]] = []  # (what, id, field, the string sent)
    for (body, fields), (label, value) in itertools.product(bodies, CORPUS.items()):
        for name in fields:
            sent = set_path(with_fresh_text(operation, body), name, value)
            response = api.post(url, json=sent, role="admin")
            what = f"{operation} {name}=<{label}>"
            if check(response, what, failures, nul=label == "nul"):
                mine.add(response.json["id"])
                accepted.append((what, response.json["id"], name, value))
    after = snapshot(api)
    stored = stored_resources(api, operation, after, claim)
    for what, resource_id, name, value in accepted:  # what succeeded holds the string as sent
        resource = stored[resource_id]
        if operation == "POST /v1/sources" and name == "text":  # lists leave the text out
            resource = {"text": api.get(f"/v1/sources/{resource_id}/text", role="admin").get_data(as_text=True)}
        try:
            actual = get_path(resource, name)
        except (KeyError, IndexError, TypeError):
            continue  # an id or span field: stored as a reference, not as the string
        expected = NORMALISED.get((operation, name), lambda v: v)(value)
        if isinstance(actual, str) and actual != expected:
            failures.append(f"{what}: stored {actual[:80]!r}, sent {value[:80]!r}")
    assert not failures, "\n".join(failures)
    assert without(after, created, created_verdicts, claim=claim) == without(before, created, created_verdicts, claim=claim)
    if claim is not None:  # the claim's history holds the accepted verdicts and nothing else
        assert set(stored) == created_verdicts | {world["verdict"]}


def everything_verdicts(api, claim: str) -> list[dict]:
    url, items = f"/v1/claims/{claim}/verdicts?limit=200", []
    while True:
        response = api.get(url)
        assert response.status_code == 200, response.json
        items += response.json["data"]
        if not response.json["next_cursor"]:
            return items
        url = f"/v1/claims/{claim}/verdicts?limit=200&cursor={response.json['next_cursor']}"


# --- raw bodies: encodings, nesting, numbers, duplicate keys ---------------------------------

RAW_BODIES = {
    "invalid UTF-8": (b'{"name": "\xff\xfe"}', (400,)),
    # Past the parser's recursion limit: malformed JSON (400); below it, valid JSON that is not
    # the object the schema wants (422).
    "deeply nested arrays": (b"[" * 10_000 + b"]" * 10_000, (400,)),
    "deeply nested objects": (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, (400,)),
    "nesting just below the parser's limit": (b"[" * 900 + b"]" * 900, (422,)),
    "a number too large for a string field": (b'{"name": 1e400, "text": 1e400, "rating": 1e400}', (422,)),
    "a number too large for a number field": (None, (422,)),  # built per operation below
    "U+0000 escaped in a key": (b'{"na\\u0000me": "x"}', (422,)),
    "U+0000 escaped in a value": (b'{"name": "a\\u0000b", "text": "a\\u0000b", "rationale": "a\\u0000b"}', (422,)),
    "a lone surrogate escaped": (b'{"name": "\\ud800", "text": "\\ud800", "rationale": "\\ud800"}', (422,)),
}
NUMBER_FIELDS = {  # a numeric field per operation, for 1e400
    "POST /v1/claims": "checkworthiness",
    "POST /v1/people": "mentions.0.start",
    "POST /v1/events": "mentions.0.start",
    "POST /v1/claims/{claim_id}/verdicts": "evidence.0.span.start",
}


@pytest.mark.parametrize("operation", CREATES)
def test_raw_bodies_that_no_parser_should_trust_are_4xx(api, world, operation):
    url, bodies = _creates(world)[operation]
    before = snapshot(api)
    failures: list[str] = []
    for label, (data, statuses) in RAW_BODIES.items():
        if data is None:
            if operation not in NUMBER_FIELDS:
                continue
            base = next(b for b, _ in bodies if _has_parent(b, NUMBER_FIELDS[operation]))
            marker = "__HUGE__"
            body = set_path(with_fresh_text(operation, base), NUMBER_FIELDS[operation], marker)
            if "span" in NUMBER_FIELDS[operation] or "mentions" in NUMBER_FIELDS[operation]:
                body = set_path(body, NUMBER_FIELDS[operation].replace("start", "end"), 5)
            data = json.dumps(body).replace(f'"{marker}"', "1e400").encode()
        response = api.post(url, data=data, content_type="application/json", role="admin")
        status = response.status_code
        if status not in statuses or response.mimetype != PROBLEM:
            failures.append(f"{operation} with {label}: {status} {response.mimetype} {response.data[:160]!r}, "
                            f"expected {statuses} problem+json")
    assert not failures, "\n".join(failures)
    assert snapshot(api) == before


def _has_parent(body: dict, dotted: str) -> bool:
    if "." not in dotted:
        return True
    try:
        get_path(body, dotted.rsplit(".", 1)[0])
        return True
    except (KeyError, IndexError, TypeError):
        return False


DUPLICATE_KEYS = {
    "POST /v1/people": (b'{"name": "First Name", "name": "Second Name"}', "name", "Second Name"),
    "POST /v1/events": (b'{"name": "First event", "name": "Second event"}', "name", "Second event"),
    "POST /v1/keys": (b'{"name": "first", "role": "reader", "name": "second"}', "name", "second"),
}


@pytest.mark.parametrize("operation", list(DUPLICATE_KEYS))
def test_a_duplicate_key_in_a_body_is_accepted_and_the_last_one_wins(api, world, operation):
    url, _ = _creates(world)[operation]
    data, name, last = DUPLICATE_KEYS[operation]
    response = api.post(url, data=data, content_type="application/json", role="admin")
    # RFC 8259 leaves duplicate names to the parser; Python's keeps the last, as most do.
    assert response.status_code == 201, (response.status_code, response.data[:300])
    assert response.json[name] == last
    if operation != "POST /v1/keys":
        assert api.get(response.headers["Location"], role="admin").json[name] == last


def test_a_legitimate_injection_string_is_stored_and_found_verbatim(api, world):
    people = len(everything(api, "people"))
    created = api.post("/v1/people", json={"name": "' OR 1=1 --", "aliases": ["\"; DROP TABLE person; --"],
                                           "description": "sqlinjectionprobe"})
    assert created.status_code == 201, created.json
    read = api.get(created.headers["Location"]).json
    assert read["name"] == "' OR 1=1 --" and read["aliases"] == ["\"; DROP TABLE person; --"]
    assert created.json["id"] in {p["id"] for p in api.get("/v1/people?limit=200&name=drop+table").json["data"]}
    assert [p["id"] for p in api.get("/v1/people?q=sqlinjectionprobe").json["data"]] == [read["id"]]
    assert len(everything(api, "people")) == people + 1  # the table is still there, with everyone in it


# --- ids in the URL ---------------------------------------------------------------------------

BAD_IDS = ["..%2F..%2Fetc", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f", "{prefix}_' OR 1=1", "' OR 1=1 --",
           "{prefix}_%", "{prefix}_*", "{prefix}_%00", "%00", "{prefix}_" + "k" * 5000, "🗳️", "{other}"]
PREFIXES = {"source_id": "src", "person_id": "per", "event_id": "evt", "claim_id": "clm", "verdict_id": "vrd",
            "key_id": "key", "webhook_id": "whk", "delivery_id": "dlv"}
PATH_BODIES = {  # a body that would succeed, so only the id can be wrong
    "PATCH /v1/sources/{source_id}": {"title": "x"},
    "PATCH /v1/people/{person_id}": {"description": "x"},
    "PATCH /v1/events/{event_id}": {"location": "x"},
    "PATCH /v1/claims/{claim_id}": {"tags": ["x"]},
    "POST /v1/claims/{claim_id}/verdicts": {"rating": "unverifiable"},
    "POST /v1/people/{person_id}/merge": {"duplicate": "{person}"},
    "POST /v1/events/{event_id}/merge": {"duplicate": "{event}"},
    "POST /v1/claims/{claim_id}/merge": {"duplicate": "{claim}"},
    "PATCH /v1/webhooks/{webhook_id}": {"description": "x"},
}
ID_OPERATIONS = [f"{m.upper()} {path}" for path, item in SPEC["paths"].items() if "{" in path
                 for m in item if m in ("get", "post", "patch", "delete", "put")]


@pytest.mark.parametrize("operation", ID_OPERATIONS)
def test_traversal_and_metacharacters_in_url_ids_are_404(api, world, operation):
    method, path = operation.split(" ", 1)
    item = SPEC["paths"][path][method.lower()]
    body = PATH_BODIES.get(operation)
    if "requestBody" in item:
        assert body is not None, f"{operation}: add a valid body to PATH_BODIES"
        body = json.loads(json.dumps(body).replace('"{person}"', json.dumps(world["person"]))
                          .replace('"{event}"', json.dumps(world["event"])).replace('"{claim}"', json.dumps(world["claim"])))
    other = {"person_id": world["claim"]}.get  # a real id of another kind
    before = snapshot(api)
    failures: list[str] = []
    for template in BAD_IDS:
        params = re.findall(r"\{([^}]+)\}", path)
        url = path
        for param in params:
            bad = template.replace("{prefix}", PREFIXES.get(param, "x")).replace(
                "{other}", other(param) or world["person"])
            url = url.replace(f"{{{param}}}", bad)
        response = api.request(method, url, role="admin", json=body)
        if response.status_code != 404 or response.mimetype != PROBLEM:
            failures.append(f"{method} {url[:120]}: {response.status_code} {response.mimetype} {response.data[:160]!r}")
    assert not failures, "\n".join(failures)
    assert snapshot(api) == before
