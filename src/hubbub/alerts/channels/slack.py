"""Slack-compatible incoming webhook (also Mattermost, Rocket.Chat, Discord's /slack endpoint):
`{"text": …, "blocks": […]}` with one mrkdwn section per alert."""

from __future__ import annotations

from typing import Any

import orjson

from hubbub.alerts.channels.base import ChannelSettings, absolute, post_json

MAX_BLOCKS = 45  # Slack accepts 50 blocks per message


def message(
    alerts: list[dict[str, Any]], settings: ChannelSettings, digest: str | None
) -> dict[str, Any]:
    head = (
        f"Hubbub {digest} digest: {len(alerts)} alert(s)"
        if digest
        else f"Hubbub alert: {alerts[0]['summary']}"
    )
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{head}*"}}
    ]
    for alert in alerts[:MAX_BLOCKS]:
        posts = alert.get("drivers", {}).get("top_posts") or []
        quote = f"\n> {posts[0]['text'][:200]}" if posts and posts[0].get("text") else ""
        text = (
            f"*{alert['topic']}* · {alert['rule']} · {alert['window_start']} → "
            f"{alert['window_end']}\n{alert['summary']} ({alert['test']})"
            f"{quote}\n<{absolute(alert.get('link', ''), settings)}|Open the dashboard>"
        )
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    return {"text": head, "blocks": blocks}


class SlackChannel:
    def __init__(self, url: str, settings: ChannelSettings) -> None:
        self.url = url
        self.settings = settings

    def send(self, alerts: list[dict[str, Any]], digest: str | None = None) -> None:
        body = orjson.dumps(message(alerts, self.settings, digest))
        post_json(self.url, body, {"Content-Type": "application/json"}, self.settings)
