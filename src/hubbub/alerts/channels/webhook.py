"""Webhook: the alert as JSON, signed with HMAC-SHA256 so the receiver can check who sent it.

Headers: `X-Hubbub-Timestamp` (Unix seconds) and `X-Hubbub-Signature: sha256=<hex>`, the HMAC
of `<timestamp>.<body>` with the secret in HUBBUB_ALERT_WEBHOOK_SECRET. Signing the timestamp
with the body lets a receiver refuse old messages replayed at it. Without a secret the request
carries no signature header (docs/alerts.md shows how to verify one).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import orjson

from hubbub.alerts.channels.base import ChannelSettings, absolute, post_json


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (also used by the tests and the bench's local receiver)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookChannel:
    def __init__(self, url: str, settings: ChannelSettings) -> None:
        self.url = url
        self.settings = settings

    def send(self, alerts: list[dict[str, Any]], digest: str | None = None) -> None:
        payload = {
            "type": "hubbub.alert.digest" if digest else "hubbub.alert",
            "digest": digest,
            "alerts": [{**a, "link": absolute(a.get("link", ""), self.settings)} for a in alerts],
        }
        body = orjson.dumps(payload)
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Hubbub-Timestamp": timestamp}
        if self.settings.webhook_secret:
            headers["X-Hubbub-Signature"] = sign(self.settings.webhook_secret, timestamp, body)
        post_json(self.url, body, headers, self.settings)
