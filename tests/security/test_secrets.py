"""Secrets never show up in logs, errors, stored failures or listings: each test provokes a
failure that carries a secret and greps everything the user or an operator could see."""

from __future__ import annotations

import logging
import tarfile
from pathlib import Path

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from hubbub.alerts.channels.base import ChannelSettings, DeliveryFailed
from hubbub.alerts.channels.email import EmailChannel
from hubbub.alerts.channels.webhook import WebhookChannel
from hubbub.alerts.store import AlertStore
from hubbub.cli.main import app
from hubbub.connectors.base import SourceConfig
from hubbub.connectors.cursors import StateStore
from hubbub.connectors.importers.pipeline import Importer
from hubbub.connectors.run import run_once
from hubbub.connectors.sources import add_source, health_report, make_connector
from hubbub.errors import ConfigError
from hubbub.logs import install, redact, secret_values
from hubbub.store import open_store
from tests.security.test_ssrf import ALERT

TOKEN = "wb-tok-7f3a9c1e5d"  # HUBBUB_WEIBO_ACCESS_TOKEN
HOOK_SECRET = "hook-secret-42abcdef"  # HUBBUB_ALERT_WEBHOOK_SECRET
SMTP_PASSWORD = "smtp-pw-Zq81xx"  # HUBBUB_SMTP_PASSWORD
URL_PASSWORD = "urlpass-9931"  # inside a URL's user:password@
SECRETS = (TOKEN, HOOK_SECRET, SMTP_PASSWORD, URL_PASSWORD)


@pytest.fixture(autouse=True)
def _secrets_in_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HUBBUB_WEIBO_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("HUBBUB_ALERT_WEBHOOK_SECRET", HOOK_SECRET)
    monkeypatch.setenv("HUBBUB_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("HUBBUB_SMTP_USER", "mailer")
    monkeypatch.setenv("HUBBUB_HOME", str(tmp_path))
    monkeypatch.setenv("HUBBUB_ALLOW_PRIVATE_URLS", "1")


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked in: {text[:300]}"


def test_redact_masks_env_secrets_url_passwords_and_token_parameters() -> None:
    text = (
        f"token {TOKEN} failed; https://bot:{URL_PASSWORD}@hooks.example/x; "
        f"GET /2/statuses?access_token={TOKEN}&count=2; key=AIzaSyExample&x=1 "
        "Authorization: Bearer abcdefgh12345678"
    )
    clean = redact(text)
    assert_clean(clean)
    assert "https://bot:***@hooks.example/x" in clean
    assert "access_token=***&count=2" in clean
    assert "Bearer ***" in clean and "abcdefgh12345678" not in clean
    assert TOKEN in secret_values() and "mailer" not in secret_values()  # a user is no secret


def test_log_records_are_redacted_messages_args_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install()
    log = logging.getLogger("hubbub.test.secrets")
    with caplog.at_level(logging.INFO, logger="hubbub.test.secrets"):
        log.info("connecting with token %s to %s", TOKEN, f"smtp://u:{URL_PASSWORD}@mail")
        try:
            raise RuntimeError(f"login refused for password {SMTP_PASSWORD}")
        except RuntimeError:
            log.exception("delivery failed with %s", HOOK_SECRET)
    text = caplog.text + "".join(logging.Formatter().format(record) for record in caplog.records)
    assert "login refused" in text and "Traceback" in text
    assert_clean(text)


def _weibo(home: Path, answer: httpx.Response) -> tuple[list[dict], str]:
    """Run a Weibo source whose server answers `answer`; return health rows and the CLI list."""
    config = SourceConfig("wb", "weibo", options={"uid": "1700000002", "count": "2"})
    add_source(home, config)
    connector = make_connector(
        config,
        transport=httpx.MockTransport(lambda request: answer),
        env={"HUBBUB_WEIBO_ACCESS_TOKEN": TOKEN},
        sleep=lambda s: None,
    )
    store = open_store(home)
    try:
        with connector, Importer(store, home) as importer:
            result = run_once(connector, importer, StateStore(home))
    finally:
        store.close()
    assert result.error
    listed = CliRunner().invoke(app, ["source", "list", "--json", "--home", str(home)])
    table = CliRunner().invoke(app, ["source", "list", "--home", str(home)])
    return health_report(home), listed.output + table.output


def test_bad_credentials_echoed_by_the_server_stay_out_of_source_health(tmp_path: Path) -> None:
    echo = httpx.Response(401, json={"error": f"invalid_access_token {TOKEN}", "error_code": 21332})
    rows, printed = _weibo(tmp_path, echo)
    assert "invalid_access_token ***" in rows[0]["last_error"]
    assert_clean(orjson.dumps(rows).decode() + printed)
    assert_clean("".join(p.read_text() for p in (tmp_path / "connectors").rglob("*.json")))


def test_a_url_with_a_token_parameter_is_redacted_in_the_error(tmp_path: Path) -> None:
    rows, printed = _weibo(tmp_path, httpx.Response(200, content=b"<html>maintenance</html>"))
    assert "access_token=***" in rows[0]["last_error"]
    assert_clean(orjson.dumps(rows).decode() + printed)


def test_failing_webhook_with_a_secret_leaves_no_secret_in_the_delivery_state(
    tmp_path: Path,
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        # A receiver that echoes what it got, headers included (a signature is no secret,
        # but an Authorization header from the URL's credentials is).
        return httpx.Response(500, text=f"bad: {dict(request.headers)} {request.url}")

    settings = ChannelSettings.from_settings({})
    assert settings.webhook_secret == HOOK_SECRET
    settings.transport = httpx.MockTransport(answer)
    url = f"https://bot:{URL_PASSWORD}@hooks.example/in?token={TOKEN}"
    with pytest.raises(DeliveryFailed) as caught:
        WebhookChannel(url, settings).send([ALERT])
    message = str(caught.value)
    assert "answered 500" in message
    assert_clean(message)
    with AlertStore(tmp_path) as store:  # the deliverer records any failure text it gets
        store._conn.execute("PRAGMA foreign_keys = OFF")  # a delivery row without its alert
        store._conn.execute(
            "INSERT INTO alert_deliveries(id, alert_id, channel, status, next_attempt_at) "
            "VALUES (1, 1, 'webhook:x', 'pending', 0)"
        )
        store.attempt_failed([1], f"raw {HOOK_SECRET} {message}", None)
        (stored,) = store._conn.execute("SELECT last_error FROM alert_deliveries").fetchone()
    assert stored.startswith("raw *** ")
    assert_clean(stored)


def test_delivery_state_shows_no_url_password(tmp_path: Path) -> None:
    from tests.alerts.test_store import alert

    channel = f"webhook:https://bot:{URL_PASSWORD}@hooks.example/in"
    with AlertStore(tmp_path) as store:
        saved = store.save(alert(0), (channel,), None)
        assert saved is not None
        shown = store.get("default", saved.id or 0).to_dict()
    assert shown["deliveries"][0]["channel"] == "webhook:https://bot:***@hooks.example/in"
    assert_clean(orjson.dumps(shown).decode())


def test_smtp_failures_never_show_the_password() -> None:
    settings = ChannelSettings.from_settings({"alert_smtp_host": "127.0.0.1", "alert_smtp_port": 9})
    assert settings.smtp_password == SMTP_PASSWORD
    with pytest.raises(DeliveryFailed) as caught:
        EmailChannel("ops@example.com", settings).send([ALERT])
    assert_clean(str(caught.value))


def test_clickhouse_urls_with_a_password_are_refused_without_echoing_it() -> None:
    from hubbub.store.server import connect

    with pytest.raises(ConfigError) as caught:
        connect(f"clickhouse://admin:{URL_PASSWORD}@db.example:8123/hubbub")
    assert_clean(str(caught.value))


def test_cli_errors_are_redacted(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "source",
            "add",
            "x",
            "--type",
            "rss",
            "--url",
            f"ftp://u:{URL_PASSWORD}@h/",
            "--home",
            str(tmp_path),
        ],
    )
    assert result.exit_code != 0
    assert_clean(result.output + str(result.exception or ""))


def test_backups_hold_no_environment_secret(tmp_path: Path) -> None:
    from hubbub.backup.create import create_backup

    home = tmp_path / "home"
    home.mkdir()
    # A workspace with a store, a failed source (its health) and a failed delivery.
    _weibo(home, httpx.Response(401, json={"error": f"invalid_access_token {TOKEN}"}))
    with AlertStore(home) as store:
        store.attempt_failed([], f"{HOOK_SECRET}", None)
    posts = tmp_path / "p.ndjson"
    posts.write_text(
        '{"platform": "news", "platform_id": "1", "created_at": "2026-03-02T10:00:00Z", '
        '"text": "hello"}\n'
    )
    imported = CliRunner().invoke(app, ["import", str(posts), "--no-enrich", "--home", str(home)])
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "b.tar"
    manifest = create_backup(home, out)
    assert_clean(manifest.to_bytes().decode())
    with tarfile.open(out) as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member)
            if data is not None:
                blob = data.read()
                for secret in SECRETS:
                    assert secret.encode() not in blob, member.name


def test_uvicorn_access_lines_are_redacted_and_still_format() -> None:
    """uvicorn's access formatter unpacks the record's args: they stay a tuple, redacted."""
    from uvicorn.logging import AccessFormatter

    install()
    record = logging.getLogger("uvicorn.access").makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/api/zeeschuimer/connect?access-token={TOKEN}", "1.1", 200),
        None,
    )
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s').format(record)
    assert "access-token=***" in line and "200" in line
    assert_clean(line)
