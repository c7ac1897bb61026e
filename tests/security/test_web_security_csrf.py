"""CSRF: every dashboard POST needs the session's token (form field or X-CSRF-Token header);
the sign-in form a double-submit cookie; API requests with a bearer token are not checked."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient

from hubbub.web.csrf import PRE_COOKIE
from tests.security import test_auth_support as support
from tests.security.test_auth_support import FORM, AuthWorld, form_csrf, session_csrf, sign_in

app, auth_world, cheap_hashes, client = (
    support.app,
    support.auth_world,
    support.cheap_hashes,
    support.client,
)
SAVE = "name=Csrf+probe&group=other&query=aurora"


def test_a_form_post_without_the_token_is_refused(client: TestClient) -> None:
    sign_in(client, "alice")
    refused = client.post("/w/default/topics", content=SAVE, headers=FORM)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    wrong = client.post("/w/default/topics", content=SAVE + "&csrf_token=forged", headers=FORM)
    assert wrong.status_code == 403
    html = client.post("/w/default/topics", content=SAVE, headers={**FORM, "Accept": "text/html"})
    assert html.status_code == 403 and "reload the page" in html.text


def test_the_form_field_or_the_header_is_accepted(client: TestClient) -> None:
    sign_in(client, "alice")
    token = session_csrf(client)
    saved = client.post("/w/default/topics", content=f"{SAVE}&csrf_token={token}", headers=FORM)
    assert saved.status_code == 303, saved.text
    lint = client.post(
        "/w/default/lint",
        content="query=" + quote("aurora AND"),
        headers={**FORM, "X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert lint.status_code == 200 and "lint-error" in lint.text
    assert client.post("/w/default/lint", content="query=x", headers=FORM).status_code == 403


def test_pages_carry_the_token_for_forms_and_htmx(client: TestClient) -> None:
    sign_in(client, "alice")
    token = session_csrf(client)
    editor = client.get("/w/default/new-topic").text
    assert f'name="csrf_token" value="{token}"' in editor  # the topic form and sign-out
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in editor


def test_sign_out_needs_the_token(client: TestClient) -> None:
    sign_in(client, "alice")
    assert client.post("/signout", headers=FORM).status_code == 403
    assert client.get("/w/default/topics").status_code == 200  # still signed in


def test_sign_in_needs_the_double_submit_cookie(client: TestClient) -> None:
    body = "user=alice&password=" + quote(support.PASSWORD)
    assert client.post("/signin", content=body, headers=FORM).status_code == 403
    token = form_csrf(client)
    assert client.cookies.get(PRE_COOKIE) == token
    assert client.post("/signin", content=body + "&csrf_token=x", headers=FORM).status_code == 403
    ok = client.post("/signin", content=f"{body}&csrf_token={token}", headers=FORM)
    assert ok.status_code == 303


def test_another_sites_form_cannot_sign_a_browser_in(client: TestClient) -> None:
    # The attacker knows its own form token but cannot plant it in the victim's cookie jar.
    mine = form_csrf(TestClient(client.app))
    client.cookies.clear()
    form_csrf(client)
    body = f"user=alice&password={quote(support.PASSWORD)}&csrf_token={mine}"
    assert client.post("/signin", content=body, headers=FORM).status_code == 403


def test_api_requests_with_a_bearer_token_are_not_checked(
    client: TestClient, auth_world: AuthWorld
) -> None:
    sign_in(client, "alice")  # even with a session cookie along
    made = client.post(
        "/v1/topics",
        json={"name": "Api probe", "query": "nimbus"},
        headers={"Authorization": f"Bearer {auth_world.tokens['admin']}"},
    )
    assert made.status_code in (200, 201), made.text
    # The API ignores the cookie: without a token it is a 401, not a CSRF question.
    assert client.post("/v1/topics", json={"name": "X", "query": "x"}).status_code == 401


def test_a_post_without_a_session_goes_to_sign_in(client: TestClient) -> None:
    response = client.post("/w/default/topics", content=SAVE, headers=FORM)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")
