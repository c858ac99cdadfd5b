"""What a benchmark measures: the scenarios (paths per request kind, a deep cursor page found
by following next_cursor), one measured run of a scenario, and several rounds combined."""
from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlencode, urlsplit

import load
from servers import Server, postgres_cpu_seconds

DEEP_PAGES = 50
VERDICT_BODY = '{"rating": "unverifiable"}'


def _get_json(base_url: str, path: str, token: str) -> dict:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path} → {response.status}: {body[:300]!r}")
    return json.loads(body)


def deep_cursor_path(base_url: str, token: str, query: dict) -> tuple[str, int]:
    """Follow next_cursor up to DEEP_PAGES pages; the path of the deepest full page and its depth."""
    path = f"/v1/claims?{urlencode(query)}"
    deepest, depth = path, 0
    for page in range(1, DEEP_PAGES + 1):
        data = _get_json(base_url, path, token)
        if not data["next_cursor"]:
            break
        deepest, depth = path, page
        path = f"/v1/claims?{urlencode({**query, 'cursor': data['next_cursor']})}"
    return deepest, depth


def scenarios(api: Server, manifest: dict) -> list[dict]:
    token, extras = manifest["token"], manifest["extras"]  # bench/extras.py
    deep, depth = deep_cursor_path(api.base_url, token, {"status": "corroborated"})
    return [
        {"name": "GET a claim", "paths": [f"/v1/claims/{c}" for c in manifest["sample_claims"]]},
        {"name": "list status=corroborated, page 1", "paths": ["/v1/claims?status=corroborated"]},
        {"name": f"list status=corroborated, page {depth + 1}", "paths": [deep], "scale_key": "list status, deep page"},
        {"name": "GET a source's annotations", "paths": [f"/v1/sources/{s}/annotations" for s in manifest["sample_sources"]]},
        {"name": "list claims by claimant", "paths": [f"/v1/claims?claimant={p}" for p in manifest["claimants"]]},
        {"name": "POST a verdict", "method": "POST", "body": VERDICT_BODY,
         "paths": [f"/v1/claims/{c}/verdicts" for c in manifest["unverifiable_claims"]]},
        {"name": "POST a match query (claims/matches)", "method": "POST", "body": extras["match_body"],
         "paths": ["/v1/claims/matches"], "scale_key": "POST a match query", "steady": True},
        {"name": "GET a job (poll)", "paths": [f"/v1/jobs/{j}" for j in extras["sample_jobs"]]},
    ]


def until_steady(server: Server, path: str, *, method: str, body: str | None, token: str, connections: int,
                 fast_s: float = 2.0, give_up_s: float = 900) -> None:
    """Send `connections` requests at once, round after round, until every one of a round answers
    200 within `fast_s`: each worker has built what its first request builds (the matcher, from
    the stored matching data: seconds to minutes), which a 1 s warm-up does not cover."""
    parts = urlsplit(server.base_url)
    deadline = time.monotonic() + give_up_s
    while time.monotonic() < deadline:
        answers = []

        def one():
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=give_up_s)
            started = time.monotonic()
            connection.request(method, path, body=body, headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            answers.append((response.status, time.monotonic() - started))

        threads = [threading.Thread(target=one) for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if len(answers) == connections and all(status == 200 and took < fast_s for status, took in answers):
            return
        if any(status != 200 for status, _ in answers):
            raise RuntimeError(f"{method} {path} → {answers}")
    raise RuntimeError(f"{method} {path} was not answered within {fast_s} s after {give_up_s} s")


WARM_READS = 6  # reads of each path before a GET scenario is measured (see warm_caches)


def warm_caches(server: Server, paths: list[str], *, token: str, connections: int, reads: int = WARM_READS) -> None:
    """Read each path `reads` times, each on a new connection, `connections` at a time: every
    gunicorn worker keeps its own representations, and a measured run of a few seconds over
    2,000 ids would otherwise be mostly first reads. The kernel hands each connection to one of
    the workers, so with 2 workers a worker misses a given path with probability about 2^-reads."""
    parts = urlsplit(server.base_url)
    todo = [path for path in paths for _ in range(reads)]
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not todo:
                    return
                path = todo.pop()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
            connection.request("GET", path, headers={"Authorization": f"Bearer {token}", "Connection": "close"})
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                raise RuntimeError(f"GET {path} → {response.status}")

    threads = [threading.Thread(target=work) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def measure(server: Server, paths: list[str], *, token: str | None, duration: float, connections: int,
            method: str = "GET", body: str | None = None, client: str = "auto", postgres: bool = False,
            warm_up: bool = True, steady: bool = False) -> dict:
    if steady:
        until_steady(server, paths[0], method=method, body=body, token=token, connections=connections)
    if warm_up and method == "GET" and token:
        warm_caches(server, paths, token=token, connections=connections)
    if warm_up and duration >= 2:  # warm-up: imports, caches, connections
        load.run(server.base_url, paths, method=method, body=body, token=token, duration=1,
                 connections=connections, client=client)
    cpu_before = server.cpu_seconds()
    db_before = postgres_cpu_seconds() if postgres else None
    result = load.run(server.base_url, paths, method=method, body=body, token=token, duration=duration,
                      connections=connections, client=client).as_dict()
    cpu = server.cpu_seconds() - cpu_before
    requests = result["requests"] or float("nan")
    result["cpu_ms_per_request"] = cpu * 1000 / requests
    db_after = postgres_cpu_seconds() if postgres else None
    # (a server restarted meanwhile loses its counters: then there is no figure)
    result["db_cpu_ms_per_request"] = (db_after - db_before) * 1000 / requests \
        if db_before is not None and db_after is not None and db_after >= db_before else None
    return result


def combine(results: list[dict]) -> dict:
    """Several rounds of one scenario: rates and CPU over all requests, latencies the median round's."""
    if len(results) == 1:
        return results[0]
    requests = sum(r["requests"] for r in results)
    seconds = sum(r["seconds"] for r in results)
    db = [r.get("db_cpu_ms_per_request") for r in results]
    return {
        "requests": requests, "seconds": round(seconds, 2), "rps": requests / seconds if seconds else 0.0,
        "p50_ms": statistics.median(r["p50_ms"] for r in results),
        "p99_ms": statistics.median(r["p99_ms"] for r in results),
        "errors": sum(r["errors"] for r in results), "client": results[0]["client"],
        "cpu_ms_per_request": sum(r["cpu_ms_per_request"] * r["requests"] for r in results) / (requests or float("nan")),
        "db_cpu_ms_per_request": None if None in db else
        sum(d * r["requests"] for d, r in zip(db, results)) / (requests or float("nan")),
        "rounds_rps": [round(r["rps"]) for r in results],
    }
