"""One small demo home for the API tests: built once per session (store closed afterwards),
opened once per module (one store per process at a time), served in-process by TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hubbub.api.app import create_app
from hubbub.auth import TokenStore
from hubbub.demo import generate
from hubbub.store import EmbeddedStore, open_store
from hubbub.topics import Topic, TopicStore, load_demo_topics

POSTS = 2_000


@dataclass(frozen=True)
class World:
    home: Path
    tokens: dict[
        str, str
    ]  # admin, analyst, viewer (workspace "default"), other (workspace "other")

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    home = tmp_path_factory.mktemp("api-home")
    with open_store(home) as store:
        store.write(list(generate(posts=POSTS, seed=5)))
    load_demo_topics(home)
    with TopicStore(home) as topics:
        topics.add("other", Topic("Secret", "zephyr", "competitor"), by="test")
    tokens = {}
    with TokenStore(home) as store_tokens:
        for role in ("admin", "analyst", "viewer"):
            tokens[role] = store_tokens.create("default", role, f"test-{role}")[1]
        tokens["other"] = store_tokens.create("other", "analyst", "other")[1]
    return World(home, tokens)


@pytest.fixture(scope="module")
def store(world: World) -> Iterator[EmbeddedStore]:
    opened = open_store(world.home)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def client(world: World, store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(world.home, store)) as test_client:
        yield test_client
