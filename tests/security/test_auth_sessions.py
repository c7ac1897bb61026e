"""Password sign-in and server-side sessions: a random id in an HttpOnly SameSite=Lax cookie
(Secure over https), stored hashed, idle and absolute expiry (a clock is injected, no sleeping),
sign-out deletes it, and a removed user, a new password or a revoked grant signs the user out."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hubbub import settings
from hubbub.users import UserStore
from hubbub.web import session as session_module
from hubbub.web.session import COOKIE, SessionStore
from tests.security import test_auth_support as support
from tests.security.test_auth_support import FORM, PASSWORD, AuthWorld, form_csrf, sign_in

# The shared fixtures (see test_auth_support.py).
app, auth_world, cheap_hashes, client = (
    support.app,
    support.auth_world,
    support.cheap_hashes,
    support.client,
)


def sessions_in_db(home: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(home / "meta.sqlite3")
    conn.row_factory = sqlite3.Row
    return conn.execute("SELECT * FROM web_sessions").fetchall()


def test_a_password_opens_the_users_workspace_with_its_role(client: TestClient) -> None:
    response = sign_in(client, "alice")
    assert response.status_code == 303 and response.headers["location"] == "/w/default/topics"
    page = client.get("/w/default/topics")
    assert page.status_code == 200 and "Aurora" in page.text
    assert client.get("/w/other/topics").status_code == 303  # not alice's workspace
    assert client.get("/").headers["location"] == "/w/default/topics"


def test_the_cookie_holds_a_random_id_stored_only_hashed(
    client: TestClient, auth_world: AuthWorld
) -> None:
    response = sign_in(client, "alice")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    plain = client.cookies[COOKIE]
    assert len(plain) >= 40 and PASSWORD not in cookie
    rows = [dict(r) for r in sessions_in_db(auth_world.home)]
    assert not any(plain in repr(r) for r in rows)
    assert hashlib.sha256(plain.encode()).hexdigest() in {r["id_digest"] for r in rows}


def test_over_https_the_cookie_is_secure(app: object) -> None:
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as https:
        response = sign_in(https, "alice")
    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


def test_sign_in_makes_a_new_session_id(client: TestClient) -> None:
    sign_in(client, "victor")
    first = client.cookies[COOKIE]
    sign_in(client, "alice")
    assert client.cookies[COOKIE] != first
    client.cookies.clear()
    client.cookies.set(COOKIE, first)
    assert client.get("/w/default/topics").status_code == 303  # the old id is gone


def test_sign_out_deletes_the_session(client: TestClient, auth_world: AuthWorld) -> None:
    sign_in(client, "alice")
    plain = client.cookies[COOKIE]
    digest = hashlib.sha256(plain.encode()).hexdigest()
    token = form_csrf(client)
    out = client.post("/signout", content=f"csrf_token={token}", headers=FORM)
    assert out.status_code == 303 and out.headers["location"] == "/signin"
    assert digest not in {r["id_digest"] for r in sessions_in_db(auth_world.home)}
    client.cookies.set(COOKIE, plain)  # a copy of the cookie kept elsewhere opens nothing
    assert client.get("/w/default/topics").status_code == 303


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient) -> None:
    wrong = sign_in(client, "alice", "not the password")
    unknown = sign_in(client, "mallory", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Unknown user name or wrong password" in wrong.text
    assert "Unknown user name or wrong password" in unknown.text
    assert COOKIE not in client.cookies


def test_token_sign_in_still_works_next_to_passwords(
    client: TestClient, auth_world: AuthWorld
) -> None:
    body = f"token={auth_world.tokens['viewer']}&csrf_token={form_csrf(client)}"
    assert client.post("/signin", content=body, headers=FORM).status_code == 303
    assert client.get("/w/default/topics").status_code == 200


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_idle_and_absolute_expiry_with_an_injected_clock(tmp_path: Path) -> None:
    clock = Clock()
    with SessionStore(tmp_path, idle=3600, absolute=3 * 3600, clock=clock) as sessions:
        plain, _ = sessions.create(None, ["d1"])
        clock.now += 3000
        assert sessions.get(plain) is not None  # used: the idle timer starts again
        clock.now += 3000
        assert sessions.get(plain) is not None
        clock.now += 3601
        assert sessions.get(plain) is None  # idle too long, and deleted
        assert sessions.get(plain) is None

        plain, _ = sessions.create(None, ["d1"])
        for _ in range(5):  # kept busy, it still ends at the absolute limit
            clock.now += 1800
            assert sessions.get(plain) is not None
        clock.now += 1801
        assert sessions.get(plain) is None


def test_expiry_defaults_come_from_the_settings(tmp_path: Path) -> None:
    with SessionStore(tmp_path) as sessions:
        assert sessions.idle == settings.get("session_idle_hours") * 3600 == 12 * 3600
        assert sessions.absolute == settings.get("session_max_days") * 86400 == 7 * 86400


def test_purge_drops_only_expired_sessions(tmp_path: Path) -> None:
    clock = Clock()
    with SessionStore(tmp_path, idle=100, absolute=1000, clock=clock) as sessions:
        _old, _ = sessions.create(None, ["d"])
        clock.now += 150
        new, _ = sessions.create(None, ["d"])
        assert sessions.purge() == 1
        assert sessions.get(new) is not None


def test_a_session_expires_in_the_app_after_12_idle_hours(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr(session_module, "now", clock)
    sign_in(client, "alice")
    clock.now += 11 * 3600
    assert client.get("/w/default/topics").status_code == 200
    clock.now += 11 * 3600  # 22 h after sign-in, 11 h after the last use
    assert client.get("/w/default/topics").status_code == 200
    clock.now += 12 * 3600 + 120
    response = client.get("/w/default/topics")
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")


@pytest.mark.parametrize("change", ["rm", "passwd", "revoke", "demote"])
def test_changing_a_user_signs_it_out(
    client: TestClient, auth_world: AuthWorld, change: str
) -> None:
    name = f"temp-{change}"
    with UserStore(auth_world.home) as users:
        users.add(name, PASSWORD, "default", "admin")
        users.grant(name, "other", "analyst")
    assert sign_in(client, name).status_code == 303
    assert client.get("/w/default/topics").status_code == 200
    with UserStore(auth_world.home) as users:
        if change == "rm":
            users.remove(name)
        elif change == "passwd":
            users.set_password(name, "some other password")
        elif change == "revoke":
            users.revoke(name, "other")  # even a grant in another workspace
        else:
            users.grant(name, "default", "viewer")
    assert client.get("/w/default/topics").status_code == 303
    if change != "rm":
        with UserStore(auth_world.home) as users:
            users.remove(name)


def test_a_new_grant_shows_without_signing_in_again(
    client: TestClient, auth_world: AuthWorld
) -> None:
    with UserStore(auth_world.home) as users:
        users.add("grower", PASSWORD, "default", "viewer")
    sign_in(client, "grower")
    assert client.get("/w/other/topics").status_code == 303
    with UserStore(auth_world.home) as users:
        users.grant("grower", "other", "viewer")
    assert client.get("/w/other/topics").status_code == 200
    with UserStore(auth_world.home) as users:
        users.remove("grower")
