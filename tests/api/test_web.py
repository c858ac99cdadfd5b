"""Browsers: offline docs, CORS for configured origins only, security headers."""
from __future__ import annotations

import re

from api.app import create_app
from api.config import Config


def test_docs_page_and_its_assets_are_served_by_the_api_itself(api):
    page = api.get("/docs/", role=None)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.data.decode()
    assert "/openapi.json" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "docs must work offline: no CDN"
    for asset in re.findall(r"""(?:src|href)=["'](/docs/[^"']+)["']""", html):
        assert api.get(asset, role=None).status_code == 200, asset
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "'sha256-" in csp and "unsafe-eval" not in csp


def test_every_response_carries_nosniff_and_authenticated_ones_are_not_shared_cacheable(api):
    response = api.get("/v1/claims", role="reader")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Authorization" in response.headers["Vary"]
    assert api.get("/healthz", role=None).headers["X-Content-Type-Options"] == "nosniff"


def test_cors_is_off_by_default(api):
    response = api.get("/v1/claims", role="reader", headers={"Origin": "https://desk.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_answers_preflight_for_configured_origins_and_exposes_etag_link_location(migrated_app, database_url, tokens):
    app = create_app(Config(database_url=database_url, cors_origins=("https://desk.example",)))
    client = app.test_client()
    preflight = client.options("/v1/claims", headers={
        "Origin": "https://desk.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type, Idempotency-Key"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://desk.example"
    assert "idempotency-key" in preflight.headers["Access-Control-Allow-Headers"].lower()
    response = client.get("/v1/claims", headers={"Origin": "https://desk.example",
                                                "Authorization": f"Bearer {tokens['reader']}"})
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert all(h in exposed for h in ("ETag", "Link", "Location"))
    other = client.get("/v1/claims", headers={"Origin": "https://evil.example", "Authorization": f"Bearer {tokens['reader']}"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_docs_have_a_static_first_paint_with_title_auth_hint_and_the_openapi_link(api):
    page = api.get("/docs/", role=None)
    assert page.status_code == 200 and page.mimetype == "text/html"
    before_scripts = page.text.split("<script")[0]
    assert "<h1" in before_scripts and "claimtrack API</h1>" in before_scripts
    assert "Authorization: Bearer &lt;key&gt;" in before_scripts and "claimtrack keys create" in before_scripts
    assert '<a href="/openapi.yaml">' in before_scripts
    assert before_scripts.index("claimtrack API</h1>") < before_scripts.index('<div id="swagger-ui">')


def test_every_problem_type_the_code_raises_has_a_page(api):
    import re

    from api.problems import PROBLEM_TYPES
    from tests.support import ROOT
    source = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "api").rglob("*.py"))
    raised = set(re.findall(r'slug\s*=\s*"([a-z-]+)"', source))
    for chosen in re.findall(r'slug = "([a-z-]+)" if [^\n]* else "([a-z-]+)"', source):
        raised |= set(chosen)
    assert {"validation", "busy", "quote-not-found", "invalid-span"} <= raised  # the scan sees every form
    assert raised <= set(PROBLEM_TYPES), raised - set(PROBLEM_TYPES)
    for slug in PROBLEM_TYPES:
        page = api.get(f"/problems/{slug}", role=None)
        assert page.status_code == 200 and page.mimetype == "text/html", slug
        assert f"<code>/problems/{slug}</code>" in page.text
    assert api.get("/problems/no-such-type", role=None).status_code == 404
