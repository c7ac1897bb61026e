"""The sign-in rate limit: 5 failures per (address, name) and 20 per address in 15 minutes, then
429 with Retry-After; unknown names count like wrong passwords; a clock is injected."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hubbub.web.ratelimit import LoginLimiter
from tests.security import test_auth_support as support
from tests.security.test_auth_support import FORM, form_csrf, sign_in

app, auth_world, cheap_hashes, client = (
    support.app,
    support.auth_world,
    support.cheap_hashes,
    support.client,
)


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_per_name_then_a_wait() -> None:
    clock = Clock()
    limit = LoginLimiter(clock=clock)
    for _ in range(5):
        assert limit.retry_after("1.2.3.4", "alice") == 0
        limit.failed("1.2.3.4", "alice")
    assert limit.retry_after("1.2.3.4", "alice") == 900
    assert limit.retry_after("1.2.3.4", "ALICE") == 900  # names are case-insensitive
    assert limit.retry_after("1.2.3.4", "bob") == 0  # another name from there still may
    assert limit.retry_after("5.6.7.8", "alice") == 0  # and the name from elsewhere
    clock.now += 600
    assert limit.retry_after("1.2.3.4", "alice") == 300
    clock.now += 300
    assert limit.retry_after("1.2.3.4", "alice") == 0


def test_twenty_failures_per_address_whatever_the_names() -> None:
    limit = LoginLimiter(clock=Clock())
    for i in range(20):
        assert limit.retry_after("1.2.3.4", f"user{i}") == 0
        limit.failed("1.2.3.4", f"user{i}")
    assert limit.retry_after("1.2.3.4", "someone-new") > 0
    assert limit.retry_after("5.6.7.8", "someone-new") == 0


def test_success_clears_the_names_failures_only() -> None:
    limit = LoginLimiter(per_address=6, clock=Clock())
    for _ in range(4):
        limit.failed("1.2.3.4", "alice")
    limit.succeeded("1.2.3.4", "alice")
    for _ in range(2):
        limit.failed("1.2.3.4", "alice")
    assert limit.retry_after("1.2.3.4", "alice") > 0  # the address saw 6 failures


def test_the_form_answers_429_with_retry_after(client: TestClient) -> None:
    clock = Clock()
    client.app.state.login_limiter = LoginLimiter(clock=clock)  # type: ignore[attr-defined]
    answers = [sign_in(client, "alice", "wrong password").status_code for _ in range(5)]
    assert answers == [401] * 5
    blocked = sign_in(client, "alice")  # even the right password now waits
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "900"
    assert "Try again in 15 min" in blocked.text
    unknown = [sign_in(client, "mallory", "wrong password") for _ in range(6)]
    assert [r.status_code for r in unknown] == [401] * 5 + [429]  # same for an unknown name
    assert unknown[0].text.replace("mallory", "alice") == answers_page(client)
    clock.now += 901
    assert sign_in(client, "alice").status_code == 303


def answers_page(client: TestClient) -> str:
    """The 401 page for a wrong password, to compare with an unknown name's."""
    client.app.state.login_limiter = LoginLimiter()  # type: ignore[attr-defined]
    return sign_in(client, "alice", "wrong password").text


def test_token_guesses_are_limited_too(client: TestClient) -> None:
    client.app.state.login_limiter = LoginLimiter(clock=Clock())  # type: ignore[attr-defined]
    codes = []
    for _ in range(6):
        body = f"token=hbb_guess_guess&csrf_token={form_csrf(client)}"
        codes.append(client.post("/signin", content=body, headers=FORM).status_code)
    assert codes == [401] * 5 + [429]
