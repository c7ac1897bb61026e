"""Settings: invalid values are one-line ConfigErrors naming the variable and what is accepted."""

import pytest

from hubbub import settings
from hubbub.cli.import_cmd import _parse_options
from hubbub.errors import ConfigError


@pytest.mark.parametrize(
    "name, value, accepted",
    [
        ("archive_raw", "maybe", "must be true or false (accepted: 1, true, yes, on, 0, false"),
        ("import_batch", "0", "must be an integer >= 1"),
        ("import_batch", "-5", "must be an integer >= 1"),
        ("import_batch", "lots", "must be an integer >= 1"),
        ("import_workers", "-1", "must be an integer >= 0"),
    ],
)
def test_invalid_environment_values_are_rejected(monkeypatch, name, value, accepted):
    env = "HUBBUB_" + name.upper()
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as info:
        settings.get(name)
    assert str(info.value).startswith(env) and accepted in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("value, expected", [("no", False), ("OFF", False), ("1", True)])
def test_boolean_words(monkeypatch, value, expected):
    monkeypatch.setenv("HUBBUB_ARCHIVE_RAW", value)
    assert settings.get("archive_raw") is expected


def test_invalid_toml_value_names_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv("HUBBUB_IMPORT_BATCH", raising=False)
    (tmp_path / "hubbub.toml").write_text("import_batch = 0\n", "utf-8")
    with pytest.raises(
        ConfigError, match=r"import_batch in .*hubbub\.toml must be an integer >= 1"
    ):
        settings.get("import_batch", tmp_path)


def test_toml_values_are_valid_toml():
    assert settings.toml_value(True) == "true"
    assert settings.toml_value('a"b') == '"a\\"b"'
    assert settings.toml_value(3) == "3"


def test_import_options_repeated_or_comma_separated():
    assert _parse_options(["platform_id=id,created_at=when", "text=body"]) == {
        "platform_id": "id",
        "created_at": "when",
        "text": "body",
    }
    assert _parse_options(["delimiter=,"]) == {"delimiter": ","}
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        _parse_options(["text"])
