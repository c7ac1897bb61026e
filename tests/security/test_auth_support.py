"""Shared fixtures of the access-control tests (test_auth_*, test_users_*, test_web_security_*):
a small home with users and tokens, served in-process. No tests here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from hubbub import users as users_module
from hubbub.api.app import create_app
from hubbub.auth import TokenStore
from hubbub.store import open_store
from hubbub.topics import Topic, TopicStore
from hubbub.users import UserStore

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PASSWORD = "correct horse battery"
# argon2 at its real cost takes ~0.1 s and 64 MiB a hash; the tests only need the same code path.
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass(frozen=True)
class AuthWorld:
    home: Path
    tokens: dict[str, str]  # admin, viewer of "default"


@pytest.fixture(scope="module")
def cheap_hashes() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users_module, "hasher", lambda: CHEAP)
        patch.setattr(users_module, "_dummy_hash", lambda: CHEAP.hash("no-such-user"))
        yield


@pytest.fixture(scope="module")
def auth_world(tmp_path_factory: pytest.TempPathFactory, cheap_hashes: None) -> AuthWorld:
    home = tmp_path_factory.mktemp("auth-home")
    with TopicStore(home) as topics:
        topics.add("default", Topic("Aurora", "aurora", "brand"), by="test")
        topics.add("other", Topic("Secret", "zephyr", "competitor"), by="test")
    with UserStore(home) as users:
        users.add("alice", PASSWORD, "default", "analyst")
        users.add("victor", PASSWORD, "default", "viewer")
        users.add("olga", PASSWORD, "other", "admin")
    with TokenStore(home) as tokens:
        made = {
            role: tokens.create("default", role, f"t-{role}")[1] for role in ("admin", "viewer")
        }
    return AuthWorld(home, made)


@pytest.fixture(scope="module")
def app(auth_world: AuthWorld) -> Iterator[Any]:
    store = open_store(auth_world.home)
    try:
        yield create_app(auth_world.home, store)
    finally:
        store.close()


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    """A fresh browser: no cookies, its own rate-limit slate."""
    from hubbub.web.ratelimit import LoginLimiter

    app.state.login_limiter = LoginLimiter()
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def form_csrf(client: TestClient) -> str:
    """The CSRF token in the sign-in form (sets the pre-session cookie on first call)."""
    page = client.get("/signin").text
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def sign_in(client: TestClient, user: str, password: str = PASSWORD) -> Any:
    body = f"user={user}&password={password}&csrf_token={form_csrf(client)}"
    return client.post("/signin", content=body, headers=FORM)


def session_csrf(client: TestClient) -> str:
    return form_csrf(client)
