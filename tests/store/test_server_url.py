"""Store URLs: which store a URL opens, TLS and password handling, one-line errors."""

from urllib.parse import urlsplit

import pytest

from hubbub.errors import ConfigError, StoreError
from hubbub.store import EmbeddedStore, is_embedded, open_store, store_url
from hubbub.store.server import CA_FILE_ENV, PASSWORD_ENV, _http_args, connect, redact


def test_redact_hides_only_the_password():
    assert redact("clickhouse://ana:s3cret@db:8123/hubbub") == "clickhouse://ana:***@db:8123/hubbub"
    assert redact("clickhouse://ana@db:8123/hubbub") == "clickhouse://ana@db:8123/hubbub"


def test_a_password_in_the_url_is_refused_and_not_repeated():
    with pytest.raises(ConfigError, match=PASSWORD_ENV) as info:
        connect("clickhouse://ana:s3cret@db:8123/hubbub")
    assert "s3cret" not in str(info.value)


def test_password_from_env_and_plain_http(monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "pw")
    parts = urlsplit("clickhouse://ana@db.internal/hubbub")
    args = _http_args(parts, "shown")
    assert (args["host"], args["port"], args["username"], args["password"]) == (
        "db.internal",
        8123,
        "ana",
        "pw",
    )
    assert args["secure"] is False and "verify" not in args


def test_tls_verifies_with_the_ca_file_from_env(monkeypatch):
    monkeypatch.setenv(CA_FILE_ENV, "/etc/ssl/ours.pem")
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    args = _http_args(urlsplit("clickhouses://db.internal/hubbub"), "shown")
    assert (args["port"], args["secure"], args["verify"], args["ca_cert"]) == (
        8443,
        True,
        True,
        "/etc/ssl/ours.pem",
    )
    assert args["password"] == "" and args["username"] == "default"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://db/hubbub", "use clickhouse://"),
        ("clickhouse://db:8123/other", "database 'other'"),
        ("clickhouse:///hubbub", "names no host"),
    ],
)
def test_bad_urls_get_one_line_errors(url, message):
    with pytest.raises(ConfigError, match=message) as info:
        connect(url)
    assert "\n" not in str(info.value)


def test_an_unreachable_server_is_one_line():
    with pytest.raises(StoreError, match="cannot open the store at clickhouse://") as info:
        connect("clickhouse://default@127.0.0.1:1/hubbub")
    assert "\n" not in str(info.value)


def test_the_store_setting_chooses(tmp_path, monkeypatch):
    monkeypatch.delenv("HUBBUB_STORE", raising=False)
    assert store_url(tmp_path) == "embedded" and is_embedded(store_url(tmp_path))
    monkeypatch.setenv("HUBBUB_STORE", "clickhouse://db/hubbub")
    assert store_url(tmp_path) == "clickhouse://db/hubbub"
    assert store_url(tmp_path, "chdb:///x") == "chdb:///x"  # --store wins
    monkeypatch.setenv("HUBBUB_STORE", "embedded")
    with open_store(tmp_path) as store:
        assert isinstance(store, EmbeddedStore)


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_backup_and_restore_refuse_a_server_store(tmp_path, monkeypatch, command):
    from typer.testing import CliRunner

    from hubbub.cli.main import app

    monkeypatch.setenv("HUBBUB_STORE", "clickhouse://ana@db.internal:8123/hubbub")
    home = tmp_path / "home"
    result = CliRunner().invoke(app, [command, str(tmp_path / "b.tar"), "--home", str(home)])
    # a ConfigError: `hubbub` prints it as one line and exits 2
    assert isinstance(result.exception, ConfigError)
    assert f"hubbub {command} covers the embedded store only" in str(result.exception)
    assert "ClickHouse's own BACKUP" in str(result.exception)
    assert not (home / "store").exists()  # no embedded store made on the way
