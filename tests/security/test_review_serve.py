"""The review's attacks against a real `hubbub serve --host 0.0.0.0` (uvicorn, its proxy-header
handling included), reached through this machine's non-loopback address: to the server that
client is another machine. Opt-in (HUBBUB_TEST_OUTSIDE_ADDRESS=1): CI and the default suite
send traffic to loopback addresses only; the same checks run in-process in test_review_attacks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from hubbub.api.server_file import running_server
from hubbub.auth import TokenStore
from tests.api.test_serve import free_port

pytestmark = pytest.mark.slow


def outside_address() -> str | None:
    """An address of this machine that is not loopback (a UDP connect sends nothing)."""
    for target in ("10.255.255.255", "192.0.2.255"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((target, 9))
            except OSError:
                continue
            address = str(probe.getsockname()[0])
        if not address.startswith(("127.", "0.")):
            return address
    return None


@dataclass(frozen=True)
class Served:
    port: int
    local_token: str
    outside: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    if os.environ.get("HUBBUB_TEST_OUTSIDE_ADDRESS") != "1":
        pytest.skip(
            "opt-in: set HUBBUB_TEST_OUTSIDE_ADDRESS=1 to test through a non-loopback address"
        )
    outside = outside_address()
    if outside is None:
        pytest.skip("this machine has no non-loopback address")
    home: Path = tmp_path_factory.mktemp("review-serve")
    with TokenStore(home) as tokens:
        tokens.create("default", "viewer", "review")  # sign-in configured: 0.0.0.0 allowed
    port = free_port()
    command = [sys.executable, "-m", "hubbub.cli.main", "serve", "--host", "0.0.0.0"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--home", str(home)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while (info := running_server(home)) is None:
            assert server.poll() is None, "hubbub serve exited"
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield Served(port, info.token, outside)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


SPOOF = {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1", "Forwarded": "for=127.0.0.1"}


def test_the_local_token_is_refused_from_outside_even_with_forwarded_headers(
    served: Served,
) -> None:
    bearer = {"Authorization": f"Bearer {served.local_token}"}
    outside = f"http://{served.outside}:{served.port}"
    inside = f"http://127.0.0.1:{served.port}"
    assert httpx.get(f"{inside}/v1/me", headers=bearer).status_code == 200
    for host in (None, "127.0.0.1", f"localhost:{served.port}"):
        headers = {**bearer, **SPOOF, **({"Host": host} if host else {})}
        assert httpx.get(f"{outside}/v1/me", headers=headers).status_code == 401, host
    # The Zeeschuimer bridge too (it used to take the local token from anyone).
    connect = httpx.get(
        f"{outside}/api/zeeschuimer/connect",
        params={"access-token": served.local_token},
        headers=SPOOF,
    )
    assert connect.status_code == 401


def test_forwarded_headers_from_outside_do_not_reset_the_sign_in_limit(served: Served) -> None:
    outside = f"http://{served.outside}:{served.port}"
    with httpx.Client(base_url=outside) as browser:
        page = browser.get("/signin").text
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        body = f"user=nobody&password=wrong-password&csrf_token={csrf}"
        statuses = [
            browser.post(
                "/signin", content=body, headers={**form, "X-Forwarded-For": f"198.51.100.{i}"}
            ).status_code
            for i in range(7)
        ]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]
