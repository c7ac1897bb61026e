"""Outbound safety (SSRF): webhooks, feeds, streams and SMTP cannot reach internal addresses
unless an admin sets allow_private_urls; checked when saved, before sending, at connect time
(DNS rebinding) and on every redirect."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from hubbub.alerts.channels.base import ChannelSettings, DeliveryFailed
from hubbub.alerts.channels.email import EmailChannel
from hubbub.alerts.channels.webhook import WebhookChannel
from hubbub.alerts.rules import make_rule
from hubbub.alerts.store import AlertStore
from hubbub.connectors.base import SourceConfig
from hubbub.connectors.http import HttpClient, RetryPolicy
from hubbub.connectors.sources import add_source
from hubbub.connectors.stream import websocket_connect
from hubbub.errors import ConfigError, SourceTerminal
from hubbub.net import outbound
from hubbub.net.outbound import OutboundRefused, check_url

ALERT = {
    "summary": "spike",
    "topic": "t",
    "rule": "r",
    "window_start": "a",
    "window_end": "b",
    "observed": 1,
    "expected": 0,
    "test": "x",
    "link": "/alerts/1",
}


@pytest.fixture(autouse=True)
def _policy_from_a_clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HUBBUB_ALLOW_PRIVATE_URLS", raising=False)
    monkeypatch.setenv("HUBBUB_HOME", str(tmp_path))


class _Handler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []
    redirect_to: ClassVar[str | None] = None

    def _answer(self) -> None:
        _Handler.hits.append(self.path)
        if self.redirect_to and self.path == "/start":
            self.send_response(302)
            self.send_header("Location", self.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    _Handler.hits = []
    _Handler.redirect_to = None
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.1",
        "2130706433",  # decimal
        "0x7f000001",  # hex
        "0177.0.0.1",  # octal
        "0x7f.0.0.1",
        "localhost",
        "api.localhost",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "[::1]",
        "[::]",
        "[fe80::1]",
        "[fc00::1]",
        "[fd12:3456::1]",
        "[ff02::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:169.254.169.254]",
        "[::ffff:a00:1]",
        "[64:ff9b::a9fe:a9fe]",  # NAT64 of 169.254.169.254
        "[2002:7f00:1::]",  # 6to4 of 127.0.0.1
    ],
)
def test_internal_addresses_are_refused_in_every_spelling(host: str) -> None:
    with pytest.raises(OutboundRefused, match="allow_private_urls"):
        check_url(f"http://{host}/hook", allow_private=False)
    check_url(f"http://{host}/hook", allow_private=True)  # the admin's choice


@pytest.mark.parametrize("ip", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(ip: str) -> None:
    assert outbound.refusal(ipaddress.ip_address(ip)) is None


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "gopher://example.com/", "ftp://example.com/", "//x", "nope"]
)
def test_only_http_and_https_are_allowed(url: str) -> None:
    with pytest.raises(OutboundRefused):
        check_url(url, allow_private=True)


def test_names_are_judged_by_what_they_resolve_to(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
        ip = {"inside.example": "10.0.0.5", "outside.example": "93.184.216.34"}[host]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(outbound.socket, "getaddrinfo", fake)
    with pytest.raises(OutboundRefused, match=r"inside\.example \(10\.0\.0\.5\)"):
        check_url("https://inside.example/feed", allow_private=False)
    check_url("https://outside.example/feed", allow_private=False)


def test_dns_rebinding_is_caught_at_connect_time(
    monkeypatch: pytest.MonkeyPatch, local_server: str
) -> None:
    """The name resolves to a public address when checked, then to 127.0.0.1: the connect
    uses its own single resolution and refuses, and the server never sees a request."""
    port = int(local_server.rsplit(":", 1)[1])
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])

    def rebinding(host: str, port_: int, *args: object, **kwargs: object) -> list[tuple]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port_))]

    monkeypatch.setattr(outbound.socket, "getaddrinfo", rebinding)
    check_url(f"http://rebind.example:{port}/", allow_private=False)  # saved: looks public
    client = HttpClient(
        f"http://rebind.example:{port}", retry=RetryPolicy(attempts=1), allow_private=False
    )
    with client as http, pytest.raises(OutboundRefused, match=r"127\.0\.0\.1"):
        http.get_json("/data")
    assert _Handler.hits == []


def test_every_redirect_is_checked(monkeypatch: pytest.MonkeyPatch, local_server: str) -> None:
    """A public-looking server answering with a redirect to an internal address: refused.
    (127.0.0.1 plays the public server here; 127.0.0.2 in a hex spelling the internal one.)"""
    real = outbound.refusal
    monkeypatch.setattr(
        outbound,
        "refusal",
        lambda ip: None if str(ip) == "127.0.0.1" else real(ip),
    )
    _Handler.redirect_to = "http://0x7f000002/latest"
    client = HttpClient(local_server, retry=RetryPolicy(attempts=1), allow_private=False)
    with client as http, pytest.raises(OutboundRefused, match="loopback"):
        http.get_json("/start")
    assert _Handler.hits == ["/start"]


def test_a_refused_connector_request_is_terminal_not_retried(local_server: str) -> None:
    with HttpClient(local_server, allow_private=False) as http:
        with pytest.raises(SourceTerminal, match="HUBBUB_ALLOW_PRIVATE_URLS=1"):
            http.get_json("/data")
        assert http.requests == 1
    assert _Handler.hits == []


def test_the_setting_lets_the_same_request_through(
    monkeypatch: pytest.MonkeyPatch, local_server: str
) -> None:
    monkeypatch.setenv("HUBBUB_ALLOW_PRIVATE_URLS", "1")
    with HttpClient(local_server) as http:
        assert http.get_json("/data") == {"ok": True}


def test_webhook_and_slack_deliveries_are_refused(local_server: str) -> None:
    settings = ChannelSettings(allow_private=False, webhook_secret="s3cr3t-hook")
    with pytest.raises(DeliveryFailed, match="allow_private_urls") as caught:
        WebhookChannel(f"{local_server}/hook", settings).send([ALERT])
    assert caught.value.retryable is False
    assert "s3cr3t-hook" not in str(caught.value)
    assert _Handler.hits == []
    settings.allow_private = True
    WebhookChannel(f"{local_server}/hook", settings).send([ALERT])
    assert _Handler.hits == ["/hook"]


def test_smtp_host_is_checked_too() -> None:
    settings = ChannelSettings(smtp_host="169.254.169.254", allow_private=False, timeout=1)
    with pytest.raises(DeliveryFailed, match=r"SMTP host 169\.254\.169\.254: link-local"):
        EmailChannel("ops@example.com", settings).send([ALERT])


def test_websocket_streams_are_refused() -> None:
    with pytest.raises(SourceTerminal, match="loopback"):
        websocket_connect("ws://127.0.0.1:9/stream", {})


def test_rules_with_internal_webhooks_are_refused_when_saved(tmp_path: Path) -> None:
    for target in ("webhook:http://169.254.169.254/latest", "slack:http://[::1]:8080/x"):
        bad = make_rule("brand", "volume_spike", channels=[target])
        with AlertStore(tmp_path) as store, pytest.raises(ConfigError) as caught:
            store.add_rule(bad, "test")
        assert "allow_private_urls" in str(caught.value)
        assert "\n" not in str(caught.value)
    (tmp_path / "hubbub.toml").write_text("allow_private_urls = true\n")
    ok = make_rule("brand", "volume_spike", channels=["webhook:http://10.0.0.1/h"])
    with AlertStore(tmp_path) as store:
        assert store.add_rule(ok, "test").channels == ("webhook:http://10.0.0.1/h",)


def test_sources_with_internal_urls_are_refused_when_added(tmp_path: Path) -> None:
    feed = SourceConfig(name="intranet", type="rss", url="http://192.168.0.10/feed.xml")
    with pytest.raises(ConfigError, match="allow_private_urls"):
        add_source(tmp_path, feed)
    mastodon = SourceConfig(name="m", type="mastodon", query="#x", instances=["127.0.0.1:3000"])
    with pytest.raises(ConfigError, match="loopback"):
        add_source(tmp_path, mastodon)
    assert not (tmp_path / "hubbub.toml").exists()
    (tmp_path / "hubbub.toml").write_text("allow_private_urls = true\n")
    add_source(tmp_path, feed)


def test_the_home_given_on_the_command_line_decides(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from hubbub.cli.common import home_path

    home = tmp_path / "elsewhere"
    home.mkdir()
    (home / "hubbub.toml").write_text("allow_private_urls = true\n")
    monkeypatch.setattr(outbound, "_home", None)
    assert outbound.private_allowed() is False  # HUBBUB_HOME (tmp_path) has no such setting
    home_path(home)  # what every command does with --home
    assert outbound.private_allowed() is True
    monkeypatch.setenv("HUBBUB_ALLOW_PRIVATE_URLS", "0")  # the environment wins
    assert outbound.private_allowed() is False
