"""What the generated OpenAPI document says beyond the schemas: security, conditional and
idempotency headers, and every problem+json status an operation can answer."""
from __future__ import annotations

from flask_smorest import Api

PROBLEM = "application/problem+json"
PUBLIC_PATHS = {"/healthz", "/readyz"}

STATUSES = {
    "BAD_REQUEST": (400, "Malformed JSON, or a malformed If-Match / If-None-Match header"),
    "UNAUTHORIZED": (401, "No valid API key (missing, malformed, unknown or revoked)"),
    "FORBIDDEN": (403, "The key's role is too low for this operation"),
    "NOT_FOUND": (404, "No such resource"),
    "CONFLICT": (409, "An ambiguous quote (with `candidates`), a duplicate source text, a resource in use, "
                      "the last active admin key, or a request with this Idempotency-Key still in progress"),
    "PRECONDITION_FAILED": (412, "If-Match names a version that is no longer current"),
    "PAYLOAD_TOO_LARGE": (413, "The body is over the configured limit"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "The body is not JSON"),
    "TOO_MANY_REQUESTS": (429, "Over the key's rate limit; see Retry-After"),
    "SERVICE_UNAVAILABLE": (503, "The database is not reachable (or, on /readyz, its schema is missing or "
                                 "behind: run `claimtrack init-db`); see Retry-After"),
}

HEADERS = {
    "If-Match": "Only act if the resource (for a verdict: the claim) still has this ETag; else 412.",
    "If-None-Match": "Answer 304 if the resource still has this ETag.",
    "Idempotency-Key": "Up to 255 characters: a retry with the same key and body replays the first response.",
}


def _header(name: str) -> dict:
    schema = {"type": "string", **({"maxLength": 255} if name == "Idempotency-Key" else {})}
    return {"in": "header", "name": name, "required": False, "schema": schema, "description": HEADERS[name]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def complete_spec(api: Api) -> None:
    spec = api.spec
    for name, (_, description) in STATUSES.items():
        spec.components.response(name, {"description": description,
                                        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}})
    # flask-smorest's own error responses are ours too: problem+json.
    for name in ("DEFAULT_ERROR", "UNPROCESSABLE_ENTITY"):
        response = spec.components.responses[name]
        response["content"] = {PROBLEM: response["content"].pop("application/json")}
    for path, operations in spec._paths.items():  # apispec keeps paths here; no public accessor
        single = "{" in path.rsplit("/", 1)[-1]
        for method, operation in operations.items():
            if method not in ("get", "post", "patch", "delete", "put"):
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.setdefault("parameters", [])
            if path in PUBLIC_PATHS:
                operation["security"] = []
                responses.setdefault("503", _ref("SERVICE_UNAVAILABLE"))
                continue
            operation["security"] = [{"bearer": []}]
            for name in ("UNAUTHORIZED", "FORBIDDEN", "TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE"):
                responses.setdefault(str(STATUSES[name][0]), _ref(name))
            if "{" in path:
                responses.setdefault("404", _ref("NOT_FOUND"))
            if method == "get":
                # gunicorn refuses request lines over 8190 bytes before the app sees them.
                responses.setdefault("414", {"description": "URI too long (answered by gunicorn, as HTML)",
                                             "content": {"text/html": {"schema": {"type": "string"}}}})
            if method == "get" and single and path.split("/")[-1] not in ("text", "claimreview", "annotations", "verdicts"):
                parameters.append(_header("If-None-Match"))
                responses.setdefault("304", {"description": "Not modified: your copy (If-None-Match) is current"})
            if method in ("patch", "delete") or path.endswith("/verdicts") and method == "post":
                parameters.append(_header("If-Match"))
                responses.setdefault("412", _ref("PRECONDITION_FAILED"))
                responses.setdefault("400", _ref("BAD_REQUEST"))
            if method == "post":
                parameters.append(_header("Idempotency-Key"))
            if method in ("post", "patch") and "requestBody" in operation:
                for name in ("BAD_REQUEST", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"):
                    responses.setdefault(str(STATUSES[name][0]), _ref(name))
            if method in ("post", "patch", "delete"):
                responses.setdefault("409", _ref("CONFLICT"))
    spec.options["security"] = [{"bearer": []}]
