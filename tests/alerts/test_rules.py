"""Bad rules are refused with one clear line; good ones get their defaults."""

from __future__ import annotations

import pytest

from hubbub.alerts.rules import KINDS, check_channel, make_rule, parse_assignments, parse_duration
from hubbub.errors import ConfigError


def test_defaults_and_coercion_from_strings():
    rule = make_rule("Aurora", "volume_spike", "15m", {"min_volume": "25"})
    assert rule.window == 900 and rule.params["min_volume"] == 25
    assert rule.params["min_score"] == KINDS["volume_spike"]["min_score"].default
    assert rule.cooldown_seconds == 4 * 900
    assert make_rule("A", "new_term", params={"baseline": "2d"}).params["baseline"] == 172800


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "volume"}, "unknown alert kind 'volume'"),
        ({"kind": "threshold", "params": {"analytic": "likes", "value": 3}}, "analytic 'likes'"),
        ({"kind": "threshold"}, "threshold needs value"),
        ({"kind": "volume_spike", "window": "-1h"}, "window must be positive"),
        ({"kind": "volume_spike", "window": "soon"}, "is not a duration"),
        ({"kind": "volume_spike", "window": "5s"}, "window must be at least"),
        ({"kind": "volume_spike", "params": {"min_volum": 3}}, "no parameter 'min_volum'"),
        ({"kind": "volume_spike", "params": {"min_volume": "many"}}, "must be a number"),
        ({"kind": "volume_spike", "params": {"min_ratio": 0.5}}, "at least 1"),
        ({"kind": "kol_mention", "digest": "weekly"}, "digest 'weekly'"),
        ({"kind": "kol_mention", "channels": ["pager:123"]}, "channel 'pager:123'"),
    ],
)
def test_bad_rules_say_what_is_wrong(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        make_rule("Aurora", **kwargs)


def test_channels_and_assignments():
    assert check_channel("webhook=https://h.example/x") == "webhook:https://h.example/x"
    assert check_channel("email:ops@example.com") == "email:ops@example.com"
    with pytest.raises(ConfigError, match="http"):
        check_channel("slack=hooks.slack.com")
    with pytest.raises(ConfigError, match="address"):
        check_channel("email=ops")
    assert parse_assignments(["a=1", "b = x"]) == {"a": "1", "b": "x"}
    with pytest.raises(ConfigError, match="key=value"):
        parse_assignments(["novalue"])
    assert parse_duration("2w", "x") == 14 * 86400 and parse_duration(90, "x") == 90
