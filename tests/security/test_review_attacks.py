"""Adversarial review of the dashboard's access control (issue #9): each test is one attack a
pentester would try, kept as a regression test. Findings that were fixed say so in their
docstring; the rest are attacks that held."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from hubbub.api.app import create_app
from hubbub.auth import TokenStore
from hubbub.users import UserStore
from hubbub.web.session import COOKIE, SessionStore
from tests.security import test_auth_support as support
from tests.security.test_access_matrix import routes
from tests.security.test_auth_support import FORM, PASSWORD, AuthWorld, form_csrf, sign_in

app, auth_world, cheap_hashes, client = (
    support.app,
    support.auth_world,
    support.cheap_hashes,
    support.client,
)
SAVE = "name=Review+probe&group=other&query=aurora"
REMOTE = ("203.0.113.9", 40000)


def plant(client: TestClient, value: str) -> None:
    """Put `value` in the browser's session cookie, replacing the one it has."""
    for cookie in list(client.cookies.jar):
        if cookie.name == COOKIE:
            client.cookies.delete(COOKIE, domain=cookie.domain, path=cookie.path)
    client.cookies.set(COOKIE, value, domain="testserver.local")


def remote_client(app: Any, address: tuple[str, int] = REMOTE) -> TestClient:
    return TestClient(app, client=address, follow_redirects=False)


# --- sessions ---------------------------------------------------------------------------


def test_a_planted_session_id_is_worthless_after_sign_in(
    client: TestClient, auth_world: AuthWorld
) -> None:
    """Fixation: an attacker's own (valid) session id planted in the victim's browser is
    replaced at sign-in, and the attacker's id does not become the victim's session."""
    attacker = TestClient(client.app, follow_redirects=False)
    sign_in(attacker, "victor")
    planted = attacker.cookies[COOKIE]
    plant(client, planted)
    sign_in(client, "alice")
    assert client.cookies[COOKIE] != planted
    plant(attacker, planted)
    assert attacker.get("/w/default/topics").status_code == 303  # the planted id is gone


def test_session_ids_are_random_long_and_never_reused(tmp_path: Any) -> None:
    import re

    with SessionStore(tmp_path) as sessions:
        made = [sessions.create(None, ["x"]) for _ in range(300)]
    ids = [plain for plain, _ in made]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", plain) for plain in ids)  # 32 random bytes
    # The CSRF token is random per session and unrelated to the id.
    assert len({record.csrf for _, record in made}) == len(made)
    assert all(record.csrf != plain for plain, record in made)
    # Every character position varies (no counter or clock inside the id).
    assert all(len({plain[i] for plain in ids}) > 20 for i in range(42))


def test_a_forged_or_garbage_cookie_opens_nothing(client: TestClient) -> None:
    for value in ("x", "' OR 1=1 --", "a" * 4000, hashlib.sha256(b"x").hexdigest()):
        plant(client, value)
        assert client.get("/w/default/topics").status_code == 303


def test_the_stored_digest_is_not_a_cookie(client: TestClient, auth_world: AuthWorld) -> None:
    """A leaked meta.sqlite3 holds digests: replaying one as a cookie opens nothing."""
    sign_in(client, "alice")
    plain = client.cookies[COOKIE]
    plant(client, hashlib.sha256(plain.encode()).hexdigest())
    assert client.get("/w/default/topics").status_code == 303


def test_a_downgraded_user_loses_the_write_at_once(
    client: TestClient, auth_world: AuthWorld
) -> None:
    with UserStore(auth_world.home) as users:
        users.add("dora", PASSWORD, "default", "analyst")
    try:
        sign_in(client, "dora")
        csrf = form_csrf(client)
        with UserStore(auth_world.home) as users:
            users.grant("dora", "default", "viewer")
        answer = client.post("/w/default/topics", content=f"{SAVE}&csrf_token={csrf}", headers=FORM)
        assert answer.status_code in (303, 403)
        if answer.status_code == 303:  # signed out: sent to the sign-in form, nothing saved
            assert answer.headers["location"].startswith("/signin")
        with TokenStore(auth_world.home):
            pass
    finally:
        with UserStore(auth_world.home) as users:
            users.remove("dora")


def test_a_revoked_tokens_session_loses_it_at_once(auth_world: AuthWorld, app: Any) -> None:
    with TokenStore(auth_world.home) as tokens:
        who, token = tokens.create("default", "analyst", "review-revoke")
    with TestClient(app, follow_redirects=False) as browser:
        body = f"token={token}&csrf_token={form_csrf(browser)}"
        assert browser.post("/signin", content=body, headers=FORM).status_code == 303
        assert browser.get("/w/default/topics").status_code == 200
        with TokenStore(auth_world.home) as tokens:
            tokens.revoke(who.token_id)
        assert browser.get("/w/default/topics").status_code == 303


def test_expiry_is_enforced_by_the_server_not_the_cookie(
    auth_world: AuthWorld, client: TestClient
) -> None:
    """Replaying an expired id (a browser ignoring Max-Age) opens nothing."""
    sign_in(client, "alice")
    plain = client.cookies[COOKIE]
    with SessionStore(auth_world.home) as sessions:
        sessions._conn.execute(
            "UPDATE web_sessions SET created_at = created_at - ?, seen_at = seen_at - ? "
            "WHERE id_digest = ?",
            (8 * 86400, 1, hashlib.sha256(plain.encode()).hexdigest()),
        )
    assert client.get("/w/default/topics").status_code == 303


# --- CSRF ---------------------------------------------------------------------------------


def web_writes(app: Any) -> list[Any]:
    return [
        r
        for r in routes(app)
        if r.method in {"POST", "PUT", "PATCH", "DELETE"} and not r.api and r.path != "/signin"
    ]


def concrete(path: str) -> str:
    return path.replace("{workspace}", "default").replace("{name}", "Aurora")


def test_every_web_write_refuses_a_missing_or_foreign_csrf_token(
    client: TestClient, app: Any
) -> None:
    other = TestClient(app, follow_redirects=False)
    sign_in(other, "victor")
    foreign = form_csrf(other)
    sign_in(client, "alice")
    writes = web_writes(app)
    assert {w.path for w in writes} >= {"/signout", "/w/{workspace}/topics"}
    for route in writes:
        path = concrete(route.path)
        for extra in ("", f"&csrf_token={foreign}", "&csrf_token="):
            answer = client.request(route.method, path, content=SAVE + extra, headers=FORM)
            assert answer.status_code == 403, (route, extra, answer.status_code)
        header = {**FORM, "X-CSRF-Token": foreign}
        assert client.request(route.method, path, content=SAVE, headers=header).status_code == 403
    assert client.get("/w/default/topics").status_code == 200  # sign-out did not happen


def test_the_token_in_the_query_string_or_a_multipart_body_is_not_taken(
    client: TestClient,
) -> None:
    sign_in(client, "alice")
    token = form_csrf(client)
    query = client.post(f"/w/default/topics?csrf_token={token}", content=SAVE, headers=FORM)
    assert query.status_code == 403
    multipart = client.post(
        "/w/default/topics",
        files={"csrf_token": (None, token), "name": (None, "Review probe"), "query": (None, "x")},
    )
    assert multipart.status_code == 403


@pytest.mark.parametrize(
    "override",
    [
        {"X-HTTP-Method-Override": "POST"},
        {"X-HTTP-Method": "POST"},
        {"X-Method-Override": "DELETE"},
    ],
)
def test_method_override_headers_do_nothing(client: TestClient, override: dict[str, str]) -> None:
    """A GET with an override header or `_method` stays a GET: it changes nothing."""
    sign_in(client, "alice")
    for path in ("/signout", "/w/default/topics?_method=POST&name=Override&query=x"):
        answer = client.get(path, headers=override)
        assert answer.status_code in (200, 303, 405)
    assert client.get("/w/default/topics").status_code == 200
    assert "Override" not in client.get("/w/default/topics").text


def test_a_basic_auth_header_does_not_switch_csrf_off(client: TestClient) -> None:
    """FIXED (medium): any `Authorization` header used to skip the CSRF check, also on the
    dashboard's pages, which act on the session cookie, not on that header. A browser adds an
    `Authorization: Basic` header by itself to every request to a site behind a
    basic-auth proxy, cross-site form posts included."""
    sign_in(client, "alice")
    basic = {**FORM, "Authorization": "Basic dXNlcjpwYXNz"}
    assert client.post("/w/default/topics", content=SAVE, headers=basic).status_code == 403
    assert client.post("/signout", headers=basic).status_code == 403
    assert client.get("/w/default/topics").status_code == 200


def test_cross_site_requests_are_refused_even_with_the_cookies(client: TestClient) -> None:
    """FIXED (low): a sibling subdomain is same-site, so SameSite cookies reach us from its
    forms, and it can toss a `hubbub_csrf` cookie of its choosing for a login CSRF. Browsers
    say where a request comes from in `Sec-Fetch-Site`; a dashboard write from another site is
    refused whatever its cookies say."""
    token = form_csrf(client)
    for site in ("cross-site", "same-site"):
        body = f"user=olga&password={quote(PASSWORD)}&csrf_token={token}"
        answer = client.post("/signin", content=body, headers={**FORM, "Sec-Fetch-Site": site})
        assert answer.status_code == 403, site
    body = f"user=alice&password={quote(PASSWORD)}&csrf_token={token}"
    ok = client.post("/signin", content=body, headers={**FORM, "Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 303


def test_no_get_route_changes_state(app: Any, auth_world: AuthWorld) -> None:
    """Every GET page, opened signed in, leaves topics, users, tokens and sessions as they were
    (except the language cookie and the Zeeschuimer upload cookie, which are the browser's)."""

    def snapshot() -> tuple[Any, ...]:
        import sqlite3

        conn = sqlite3.connect(auth_world.home / "meta.sqlite3")
        tables = ("topics", "users", "user_grants", "tokens")
        found = []
        for table in tables:
            try:
                found.append(sorted(map(repr, conn.execute(f"SELECT * FROM {table}"))))
            except sqlite3.OperationalError:
                found.append([])
        found.append(conn.execute("SELECT count(*) FROM web_sessions").fetchone())
        conn.close()
        return tuple(found)

    # A fresh app on the same store: the module's app shut its store thread down with the
    # first test client, and the dashboards need it.
    fresh = create_app(auth_world.home, app.state.hubbub.get_store())
    opened = []
    with TestClient(fresh, follow_redirects=False) as client:
        sign_in(client, "alice")
        before = snapshot()
        for route in routes(app):
            path = concrete(route.path).replace("{panel}", "volume").replace("{lang}", "zh")
            if route.method != "GET" or route.api or "{" in path:
                continue
            opened.append((path, client.get(path).status_code))
        after = snapshot()
    assert ("/w/default/topics/Aurora", 200) in opened and len(opened) >= 12
    tokens = 3  # a token's last_used_at moves on reads; the rest must not move
    assert before[0] and after[:tokens] == before[:tokens] and after[4] == before[4]


# --- open redirects and header injection --------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "/\\\\evil.example",
        "https://evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "\x00//evil.example",
        " //evil.example",
    ],
)
def test_sign_in_never_redirects_off_site(client: TestClient, target: str) -> None:
    body = f"user=alice&password={quote(PASSWORD)}&next={quote(target)}&csrf_token="
    answer = client.post("/signin", content=body + form_csrf(client), headers=FORM)
    assert answer.status_code == 303
    assert_same_site(answer.headers["location"])
    language = client.get(f"/lang/en?next={quote(target)}")
    assert_same_site(language.headers["location"])


def assert_same_site(location: str) -> None:
    from urllib.parse import urljoin, urlsplit

    # How a browser resolves it, after dropping tab/newline as the URL standard says.
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "")
    resolved = urlsplit(urljoin("http://hubbub.local/signin", cleaned.replace("\\", "/")))
    assert resolved.netloc == "hubbub.local", location


def test_a_user_name_cannot_inject_headers(client: TestClient) -> None:
    body = f"user={quote('alice' + chr(13) + chr(10) + 'Set-Cookie: x=1')}&password=x&csrf_token="
    answer = client.post("/signin", content=body + form_csrf(client), headers=FORM)
    assert answer.status_code == 401 and "x=1" not in answer.headers.get("set-cookie", "")
    home = client.app.state.hubbub.home  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="name"), UserStore(home) as users:
        users.add("evil\r\nX: y", PASSWORD, "default", "viewer")


# --- local token ----------------------------------------------------------------------


def test_forwarded_headers_do_not_make_a_remote_client_local(app: Any) -> None:
    local = app.state.hubbub.local_token
    spoof = {
        "Authorization": f"Bearer {local}",
        "X-Forwarded-For": "127.0.0.1",
        "X-Real-IP": "127.0.0.1",
        "Forwarded": "for=127.0.0.1",
        "Host": "127.0.0.1",
    }
    with remote_client(app) as remote:
        assert remote.get("/v1/me", headers=spoof).status_code == 401


def test_a_session_signed_in_with_the_local_token_is_refused_remotely(app: Any) -> None:
    local = app.state.hubbub.local_token
    with TestClient(app, client=("127.0.0.1", 1), follow_redirects=False) as here:
        body = f"token={local}&csrf_token={form_csrf(here)}"
        assert here.post("/signin", content=body, headers=FORM).status_code == 303
        stolen = here.cookies[COOKIE]
    with remote_client(app) as remote:
        plant(remote, stolen)
        assert remote.get("/w/default/topics").status_code == 303
        body = f"token={local}&csrf_token={form_csrf(remote)}"
        assert remote.post("/signin", content=body, headers=FORM).status_code == 401


def test_the_zeeschuimer_bridge_refuses_the_local_token_from_other_machines(app: Any) -> None:
    """FIXED (high): /api/import-dataset/ and /api/zeeschuimer/connect took the server's local
    token (an admin of every workspace) from any client, whatever the loopback rule says."""
    local = app.state.hubbub.local_token
    with remote_client(app) as remote:
        connect = remote.get(f"/api/zeeschuimer/connect?access-token={local}")
        assert connect.status_code == 401 and COOKIE not in connect.headers.get("set-cookie", "")
        upload = remote.post(
            "/api/import-dataset/?type=tiktok.com",
            content=b"{}\n",
            headers={"Authentication": local},
        )
        assert upload.status_code == 401
    with TestClient(app, client=("127.0.0.1", 1)) as here:
        assert here.get(f"/api/zeeschuimer/connect?access-token={local}").status_code == 200


# --- rate limit -----------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["ALICE", " alice", "alice ", "Alice", "aLiCe\t"])
def test_name_variants_share_one_count(client: TestClient, variant: str) -> None:
    for _ in range(5):
        assert sign_in(client, "alice", "wrong-password").status_code == 401
    body = f"user={quote(variant)}&password=wrong-password&csrf_token={form_csrf(client)}"
    assert client.post("/signin", content=body, headers=FORM).status_code == 429


def test_x_forwarded_for_does_not_reset_the_count(client: TestClient) -> None:
    for _ in range(5):
        sign_in(client, "alice", "wrong-password")
    body = f"user=alice&password={quote(PASSWORD)}&csrf_token={form_csrf(client)}"
    for header in ("X-Forwarded-For", "X-Real-IP", "Forwarded"):
        answer = client.post("/signin", content=body, headers={**FORM, header: "198.51.100.7"})
        assert answer.status_code == 429


def test_parallel_guesses_cannot_outrun_the_limit() -> None:
    """FIXED (medium): the limit was checked before the password and counted after it, so
    guesses sent at once (argon2 takes 0.1 s each) all passed the check. A try is now counted
    when it starts, and a good password takes its own count back."""
    from hubbub.web.ratelimit import LoginLimiter

    limiter = LoginLimiter(clock=lambda: 1000.0)
    started = [limiter.begin("203.0.113.9", "alice") for _ in range(8)]
    assert started[:5] == [0] * 5 and all(wait > 0 for wait in started[5:])
    other = LoginLimiter(clock=lambda: 1000.0)
    for _ in range(4):
        other.begin("a", "bob")
    other.begin("a", "bob")
    other.succeeded("a", "bob", began=True)  # the right password: that try is not a failure
    assert other.begin("a", "bob") == 0


def test_the_form_counts_a_try_before_checking_the_password(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hubbub.web.routes import auth as auth_routes

    seen: list[int] = []

    def slow_check(request: Any, name: str, password: str) -> None:
        limiter = auth_routes.limiter(request)
        seen.append(len(limiter._failures.get(("user", "testclient", name), ())))
        return None

    monkeypatch.setattr(auth_routes, "_authenticate", slow_check)
    sign_in(client, "alice", "wrong-password")
    assert seen == [1]


def test_ipv6_clients_are_counted_per_64_network() -> None:
    """FIXED (low): one IPv6 host holds a whole /64 and could take a fresh address per guess."""
    from hubbub.web.ratelimit import LoginLimiter

    limiter = LoginLimiter(clock=lambda: 5.0)
    for i in range(5):
        limiter.failed(f"2001:db8::{i + 1}", "alice")
    assert limiter.retry_after("2001:db8::ffff:1", "alice") > 0
    assert limiter.retry_after("2001:db8:0:1::1", "alice") == 0
    assert limiter.retry_after("203.0.113.9", "alice") == 0


def test_the_limiters_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from hubbub.web import ratelimit

    monkeypatch.setattr(ratelimit, "MAX_KEYS", 100)
    limiter = ratelimit.LoginLimiter(clock=lambda: 1.0)
    for i in range(2000):
        limiter.failed(f"10.0.{i // 250}.{i % 250}", f"name{i}")
    assert len(limiter._failures) <= 100


def test_unknown_names_and_wrong_passwords_look_the_same(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same status, same text (but the echoed name), and one argon2 verification each."""
    from hubbub import users as users_module

    calls: list[str] = []
    real = users_module.hasher()

    class Counting:
        def verify(self, stored: str, password: str) -> bool:
            calls.append(stored)
            return real.verify(stored, password)

        def check_needs_rehash(self, stored: str) -> bool:
            return False

    monkeypatch.setattr(users_module, "hasher", lambda: Counting())
    answers = {}
    for name in ("alice", "nosuchuser", "bad name!"):
        answers[name] = sign_in(client, name, "wrong-password")
    assert len(calls) == 3
    statuses = {a.status_code for a in answers.values()}
    assert statuses == {401}
    texts = {a.text.replace(quote(n), "").replace(n, "") for n, a in answers.items()}
    assert len(texts) == 1


# --- roles and workspaces through the web -----------------------------------------------


def test_a_viewer_cannot_write_through_the_pages(client: TestClient, app: Any) -> None:
    sign_in(client, "victor")
    csrf = form_csrf(client)
    for route in web_writes(app):
        if route.path in ("/signout", "/w/{workspace}/lint"):
            continue
        answer = client.request(
            route.method, concrete(route.path), content=f"{SAVE}&csrf_token={csrf}", headers=FORM
        )
        assert answer.status_code == 403, route


def test_another_workspace_shows_nothing_through_the_pages(client: TestClient, app: Any) -> None:
    sign_in(client, "alice")  # default only; "other" holds the topic "Secret"
    for route in routes(app):
        if route.method != "GET" or route.api or not route.path.startswith("/w/"):
            continue
        path = route.path.replace("{workspace}", "other").replace("{name}", "Secret")
        path = path.replace("{panel}", "volume")
        answer = client.get(path, headers={"Accept": "text/html"})
        assert answer.status_code in (303, 403, 404), path
        assert "zephyr" not in answer.text and "Secret" not in answer.text
    switcher = client.get("/w/default/topics").text
    assert "/w/other" not in switcher and "Secret" not in switcher


# --- headers -------------------------------------------------------------------------------


def test_headers_on_redirects_404s_405s_and_static_files(client: TestClient) -> None:
    for answer in (
        client.get("/"),
        client.get("/nope"),
        client.get("/static/nope.js"),
        client.get("/static/../../etc/passwd"),
        client.put("/signin"),
        client.get("/w/default/topics"),  # signed out: a redirect
    ):
        assert "default-src 'self'" in answer.headers["content-security-policy"], answer.url
        assert answer.headers["x-frame-options"] == "DENY"


def test_headers_on_unexpected_errors_too(auth_world: AuthWorld) -> None:
    """FIXED (low): a 500 from an unexpected exception is answered by Starlette's outermost
    error middleware, outside the headers middleware, so it went out without them."""
    fresh = create_app(auth_world.home, store=object())

    @fresh.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(fresh, raise_server_exceptions=False) as broken:
        answer = broken.get("/boom")
    assert answer.status_code == 500
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_another_sites_link_cannot_plant_an_upload_token(
    client: TestClient, auth_world: AuthWorld
) -> None:
    """FIXED (low): GET /api/zeeschuimer/connect?access-token=T sets the upload cookie from the
    link. A link on another site could plant its own analyst token (of another workspace of
    this home) and the victim's Zeeschuimer captures would land in that workspace."""
    with TokenStore(auth_world.home) as tokens:
        theirs = tokens.create("other", "analyst", "review-planted")[1]
    url = f"/api/zeeschuimer/connect?access-token={theirs}"
    for site in ("cross-site", "same-site"):
        planted = client.get(url, headers={"Sec-Fetch-Site": site})
        assert planted.status_code == 403 and "set-cookie" not in planted.headers
    typed = client.get(url, headers={"Sec-Fetch-Site": "none"})
    assert typed.status_code == 200 and "hubbub_upload=" in typed.headers["set-cookie"]


def test_reflected_values_are_escaped(client: TestClient) -> None:
    """The sign-in form repeats `next` and the user name; error pages repeat the path's name."""
    payload = '/"><script>alert(1)</script>'
    form = client.get(f"/signin?next={quote(payload)}").text
    assert "<script>alert(1)" not in form
    body = f"user={quote('<script>x</script>')}&password=x&csrf_token={form_csrf(client)}"
    assert "<script>x</script>" not in client.post("/signin", content=body, headers=FORM).text
    sign_in(client, "alice")
    missing = client.get(
        f"/w/default/topics/{quote('<img src=x onerror=alert(1)>', safe='')}",
        headers={"Accept": "text/html"},
    )
    assert missing.status_code == 404 and "<img src=x" not in missing.text


def test_an_analyst_cannot_manage_tokens_and_no_page_manages_users(
    app: Any, auth_world: AuthWorld
) -> None:
    with TokenStore(auth_world.home) as tokens:
        analyst = tokens.create("default", "analyst", "review-analyst")[1]
    bearer = {"Authorization": f"Bearer {analyst}"}
    with TestClient(app) as api:
        assert api.get("/v1/tokens", headers=bearer).status_code == 403
        made = api.post("/v1/tokens", json={"role": "admin"}, headers=bearer)
        assert made.status_code == 403
        assert api.delete("/v1/tokens/whatever", headers=bearer).status_code == 403
    # Users are managed with the CLI only: no route of the app names users or tokens but the
    # admin-only /v1/tokens.
    paths = {r.path for r in routes(app)}
    assert not [p for p in paths if "user" in p]
    assert {p for p in paths if "token" in p} == {"/v1/tokens", "/v1/tokens/{token_id}"}
