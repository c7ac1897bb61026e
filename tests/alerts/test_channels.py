"""Channels: the webhook's signature, Slack's shape, email through a real local SMTP server,
and how each failure is classified (retry or not)."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from typing import Any

import httpx
import orjson
import pytest

from hubbub.alerts.channels import ChannelSettings, DeliveryFailed, channel_for
from hubbub.alerts.channels.webhook import verify

ALERT: dict[str, Any] = {
    "id": 7,
    "topic": "Aurora",
    "rule": "spike",
    "kind": "volume_spike",
    "window_start": "2026-03-02T06:00:00Z",
    "window_end": "2026-03-02T07:00:00Z",
    "observed": 80,
    "expected": 10.5,
    "score": 9.1,
    "test": "negative binomial, p = 8e-10",
    "summary": "Aurora: 80 posts against 10.5 expected (7.6×)",
    "drivers": {
        "top_posts": [{"author": "ana", "text": "the aurora x5 overheats"}],
        "top_authors": [{"author": "ana", "posts": 3}],
        "top_terms": [{"term": "#overheat", "posts": 12}],
    },
    "link": "/topics/Aurora?since=2026-03-02T06%3A00%3A00Z&until=2026-03-02T07%3A00%3A00Z",
}


def recording(status: int = 200) -> tuple[ChannelSettings, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, text="nope" if status >= 400 else "ok")

    settings = ChannelSettings(
        base_url="http://dash.example",
        webhook_secret="s3cret",
        transport=httpx.MockTransport(handler),
    )
    return settings, seen


def test_webhook_sends_signed_json_with_an_absolute_link():
    settings, seen = recording()
    channel_for("webhook:https://hooks.example/in", settings).send([ALERT])
    request = seen[0]
    body = request.content
    assert verify(
        "s3cret", request.headers["X-Hubbub-Timestamp"], body, request.headers["X-Hubbub-Signature"]
    )
    assert not verify(
        "other", request.headers["X-Hubbub-Timestamp"], body, request.headers["X-Hubbub-Signature"]
    )
    payload = orjson.loads(body)
    assert payload["type"] == "hubbub.alert" and payload["alerts"][0]["id"] == 7
    assert payload["alerts"][0]["link"].startswith("http://dash.example/topics/Aurora?since=")


def test_webhook_failures_say_whether_to_retry():
    for status, retry in ((500, True), (429, True), (400, False), (404, False)):
        settings, _ = recording(status)
        with pytest.raises(DeliveryFailed) as failed:
            channel_for("webhook:https://hooks.example/in", settings).send([ALERT])
        assert failed.value.retryable is retry and str(status) in str(failed.value)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    settings = ChannelSettings(transport=httpx.MockTransport(slow), timeout=0.5)
    with pytest.raises(DeliveryFailed, match=r"did not answer within 0\.5 s") as failed:
        channel_for("webhook:https://hooks.example/in", settings).send([ALERT])
    assert failed.value.retryable


def test_slack_message_shape_and_digest_heading():
    settings, seen = recording()
    channel_for("slack:https://hooks.slack.example/T/B/X", settings).send([ALERT, ALERT], "hourly")
    payload = orjson.loads(seen[0].content)
    assert payload["text"] == "Hubbub hourly digest: 2 alert(s)"
    sections = [b["text"]["text"] for b in payload["blocks"]]
    assert len(sections) == 3 and "*Aurora*" in sections[1]
    assert "<http://dash.example/topics/Aurora?since=" in sections[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list[Any] = []

        def handle_message(self, message: Any) -> None:
            self.messages.append(message)

        async def handle_RCPT(self, server, session, envelope, address, options):
            if address.endswith("@refused.example"):
                return "550 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_email_reaches_a_local_smtp_server(smtp_server):
    controller, inbox = smtp_server
    settings = ChannelSettings(
        base_url="http://dash.example",
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_from="alerts@hubbub.example",
    )
    channel_for("email:ops@example.com", settings).send([ALERT])
    mail = message_from_bytes(inbox.messages[0].as_bytes(), policy=policy.default)
    assert mail["To"] == "ops@example.com" and mail["From"] == "alerts@hubbub.example"
    assert mail["Subject"] == "[Hubbub] Aurora: 80 posts against 10.5 expected (7.6×)"
    body = mail.get_content()
    assert "negative binomial, p = 8e-10" in body and "#overheat" in body
    assert "http://dash.example/topics/Aurora?since=" in body


def test_email_refusals_and_a_missing_server(smtp_server):
    controller, _ = smtp_server
    settings = ChannelSettings(smtp_host="127.0.0.1", smtp_port=controller.port)
    with pytest.raises(DeliveryFailed, match="refused") as refused:
        channel_for("email:nobody@refused.example", settings).send([ALERT])
    assert not refused.value.retryable
    down = ChannelSettings(smtp_host="127.0.0.1", smtp_port=_free_port(), timeout=1)
    with pytest.raises(DeliveryFailed, match=r"SMTP 127\.0\.0\.1") as missing:
        channel_for("email:ops@example.com", down).send([ALERT])
    assert missing.value.retryable
