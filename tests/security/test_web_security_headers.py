"""Security headers on every answer (pages, API, static files, errors), HSTS only over https,
and templates that need no inline script or style (so the CSP can forbid them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.security import test_auth_support as support
from tests.security.test_auth_support import sign_in

app, auth_world, cheap_hashes, client = (
    support.app,
    support.auth_world,
    support.cheap_hashes,
    support.client,
)
TEMPLATES = Path(__file__).parents[2] / "src" / "hubbub" / "web" / "templates"
PATHS = ["/signin", "/w/default/topics", "/v1/me", "/health", "/static/app.js", "/nope", "/"]


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_has_the_headers(client: TestClient, path: str) -> None:
    sign_in(client, "alice")
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "style-src 'self';" in csp and "object-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert "strict-transport-security" not in headers  # plain http


def test_hsts_only_over_https(app: object) -> None:
    with TestClient(app, base_url="https://testserver") as https:
        headers = https.get("/signin").headers
    assert headers["strict-transport-security"].startswith("max-age=")


def test_refusals_have_the_headers_too(client: TestClient) -> None:
    sign_in(client, "alice")
    refused = client.post("/w/default/topics", content="name=x")  # no CSRF token
    assert refused.status_code == 403 and "content-security-policy" in refused.headers


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(template: Path) -> None:
    html = re.sub(r"\{#.*?#\}", "", template.read_text("utf-8"), flags=re.S)  # comments
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"\sstyle\s*=", html), "style attribute"
    assert "javascript:" not in html
