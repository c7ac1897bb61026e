"""The channel contract, the settings channels read, and the factory from a rule's spec."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from hubbub.errors import ConfigError, HubbubError
from hubbub.logs import redact
from hubbub.net import outbound


class DeliveryFailed(HubbubError):
    """A channel could not deliver. `retryable`: a later attempt may succeed (timeout, 5xx)."""

    def __init__(self, message: str, retryable: bool = True) -> None:
        super().__init__(redact(message))  # stored as the delivery's last error
        self.retryable = retryable


class Channel(Protocol):
    def send(self, alerts: list[dict[str, Any]], digest: str | None = None) -> None:
        """Deliver one alert (a list of one) or a digest of several; raise DeliveryFailed."""
        ...


@dataclass
class ChannelSettings:
    """What channels need besides their target. Secrets come from the environment only."""

    base_url: str = "http://127.0.0.1:8420"  # dashboard links in messages are made absolute
    timeout: float = 5.0
    webhook_secret: str | None = None  # HUBBUB_ALERT_WEBHOOK_SECRET
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_from: str = "hubbub@localhost"
    smtp_starttls: bool = False
    smtp_user: str | None = None  # HUBBUB_SMTP_USER
    smtp_password: str | None = None  # HUBBUB_SMTP_PASSWORD
    transport: httpx.BaseTransport | None = None  # tests replay answers through a mock
    # allow_private_urls: may targets be loopback/private addresses (SSRF guard)? None reads
    # the setting from the environment / HUBBUB_HOME.
    allow_private: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls, values: Mapping[str, Any], env: Mapping[str, str] | None = None
    ) -> ChannelSettings:
        env = os.environ if env is None else env
        return cls(
            base_url=str(values.get("alert_base_url") or cls.base_url).rstrip("/"),
            timeout=float(values.get("alert_delivery_timeout") or cls.timeout),
            webhook_secret=env.get("HUBBUB_ALERT_WEBHOOK_SECRET") or None,
            smtp_host=str(values.get("alert_smtp_host") or cls.smtp_host),
            smtp_port=int(values.get("alert_smtp_port") or cls.smtp_port),
            smtp_from=str(values.get("alert_smtp_from") or cls.smtp_from),
            smtp_starttls=bool(values.get("alert_smtp_starttls", False)),
            smtp_user=env.get("HUBBUB_SMTP_USER") or None,
            smtp_password=env.get("HUBBUB_SMTP_PASSWORD") or None,
            allow_private=(
                None
                if values.get("allow_private_urls") is None
                else bool(values["allow_private_urls"])
            ),
        )


def check_channel(spec: str, allow_private: bool | None = None) -> None:
    """Refuse a channel whose URL the outbound policy forbids, when a rule is saved; the
    same check runs again when it sends (a name may resolve elsewhere by then)."""
    kind, _, target = spec.partition(":")
    if kind in ("webhook", "slack"):
        outbound.check_url(target, allow_private)


def channel_for(spec: str, settings: ChannelSettings) -> Channel:
    kind, _, target = spec.partition(":")
    if kind == "webhook":
        from hubbub.alerts.channels.webhook import WebhookChannel

        return WebhookChannel(target, settings)
    if kind == "slack":
        from hubbub.alerts.channels.slack import SlackChannel

        return SlackChannel(target, settings)
    if kind == "email":
        from hubbub.alerts.channels.email import EmailChannel

        return EmailChannel(target, settings)
    raise ConfigError(f"unknown channel {spec!r}: use webhook:URL, slack:URL or email:ADDRESS")


def absolute(link: str, settings: ChannelSettings) -> str:
    return settings.base_url + link if link.startswith("/") else link


def post_json(url: str, body: bytes, headers: dict[str, str], settings: ChannelSettings) -> None:
    """POST and classify the outcome: 2xx is done; timeouts, 408, 429 and 5xx are worth a
    retry; any other status will not change by retrying the same request."""
    try:
        options = outbound.client_options(settings.transport, settings.allow_private)
        # Redirects are not followed: a receiver answers, it does not send us elsewhere.
        with httpx.Client(timeout=settings.timeout, **options) as client:
            response = client.post(url, content=body, headers=headers)
    except outbound.OutboundRefused as exc:
        raise DeliveryFailed(str(exc), retryable=False) from None
    except httpx.TimeoutException:
        raise DeliveryFailed(f"{url} did not answer within {settings.timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{url}: {type(exc).__name__}: {exc}") from None
    if response.is_success:
        return
    retryable = response.status_code in (408, 429) or response.status_code >= 500
    raise DeliveryFailed(
        f"{url} answered {response.status_code}: {response.text[:200]}", retryable=retryable
    )
