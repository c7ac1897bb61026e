"""One small enriched demo home for the dashboard's tests, built once per session through
the import pipeline (so sentiment, languages and key phrases are filled as in `hubbub demo`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from hubbub import settings
from hubbub.api.app import create_app
from hubbub.auth import TokenStore
from hubbub.connectors.importers.detect import get_format
from hubbub.connectors.importers.pipeline import Importer
from hubbub.demo import generate
from hubbub.store import EmbeddedStore, open_store
from hubbub.topics import Topic, TopicStore, load_demo_topics

POSTS = 2_500


@dataclass(frozen=True)
class WebWorld:
    home: Path
    tokens: dict[str, str]  # admin, analyst, viewer of "default"; other: analyst of "other"


def build_home(home: Path, posts: int = POSTS, seed: int = 7) -> None:
    """A demo workspace the way `hubbub demo` builds one, at a test's size."""
    enrichers = tuple(
        n.strip() for n in str(settings.get("enrichers", home)).split(",") if n.strip()
    )
    with (
        open_store(home) as store,
        Importer(store, home, archive=False, enrichers=enrichers, workers=1) as importer,
    ):
        units = (
            (i, orjson.dumps(post.to_dict()))
            for i, post in enumerate(generate(posts=posts, seed=seed), 1)
        )
        importer.import_units(get_format("hubbub"), units, "demo", size=posts * 1000)
    load_demo_topics(home)


@pytest.fixture(scope="session")
def web_world(tmp_path_factory: pytest.TempPathFactory) -> WebWorld:
    home = tmp_path_factory.mktemp("web-home")
    build_home(home)
    with TopicStore(home) as topics:
        topics.add("other", Topic("Secret", "zephyr", "competitor"), by="test")
    tokens = {}
    with TokenStore(home) as store_tokens:
        for role in ("admin", "analyst", "viewer"):
            tokens[role] = store_tokens.create("default", role, f"web-{role}")[1]
        tokens["other"] = store_tokens.create("other", "analyst", "web-other")[1]
    return WebWorld(home, tokens)


@pytest.fixture(scope="module")
def web_store(web_world: WebWorld) -> Iterator[EmbeddedStore]:
    opened = open_store(web_world.home)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def app_client(web_world: WebWorld, web_store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(web_world.home, web_store), follow_redirects=False) as client:
        yield client


def csrf_token(client: TestClient) -> str:
    """The CSRF token the sign-in form carries (the session's once signed in)."""
    page = client.get("/signin").text
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def post_signin(client: TestClient, body: str) -> Any:
    """POST the sign-in form with its CSRF token, as a browser does."""
    return client.post("/signin", content=f"{body}&csrf_token={csrf_token(client)}", headers=FORM)


def sign_in(client: TestClient, token: str) -> None:
    """Sign in, then send the session's CSRF token with every later request (as htmx does)."""
    client.headers.pop("X-CSRF-Token", None)
    response = post_signin(client, f"token={token}")
    assert response.status_code == 303, response.text
    client.headers["X-CSRF-Token"] = csrf_token(client)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
