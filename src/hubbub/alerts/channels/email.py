"""Email over SMTP (stdlib smtplib): a plain-text message per alert or per digest."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage
from typing import Any

from hubbub.alerts.channels.base import ChannelSettings, DeliveryFailed, absolute
from hubbub.net import outbound


def compose(
    to: str, alerts: list[dict[str, Any]], settings: ChannelSettings, digest: str | None
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = to
    mail["Subject"] = (
        f"[Hubbub] {digest} digest: {len(alerts)} alert(s)"
        if digest
        else f"[Hubbub] {alerts[0]['summary']}"
    )
    parts = []
    for alert in alerts:
        drivers = alert.get("drivers", {})
        lines = [
            alert["summary"],
            f"Topic: {alert['topic']}   Rule: {alert['rule']}",
            f"Window: {alert['window_start']} to {alert['window_end']}",
            f"Observed {alert['observed']} against {alert['expected']} expected; {alert['test']}",
        ]
        for post in (drivers.get("top_posts") or [])[:3]:
            lines.append(f"  - @{post.get('author')}: {str(post.get('text'))[:200]}")
        authors = ", ".join(a["author"] for a in drivers.get("top_authors") or [])
        terms = ", ".join(t["term"] for t in drivers.get("top_terms") or [])
        if authors:
            lines.append(f"Top authors: {authors}")
        if terms:
            lines.append(f"Top terms: {terms}")
        lines.append(f"Dashboard: {absolute(alert.get('link', ''), settings)}")
        parts.append("\n".join(lines))
    mail.set_content("\n\n".join(parts) + "\n")
    return mail


class _GuardedSMTP(smtplib.SMTP):
    """smtplib.SMTP connecting through the outbound check (the same rules as webhooks)."""

    def __init__(self, host: str, port: int, *, timeout: float, allow: bool) -> None:
        self._allow = allow
        super().__init__(host, port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return outbound.connect_tcp(host, port, timeout, self._allow)


class EmailChannel:
    def __init__(self, address: str, settings: ChannelSettings) -> None:
        self.address = address
        self.settings = settings

    def send(self, alerts: list[dict[str, Any]], digest: str | None = None) -> None:
        s = self.settings
        mail = compose(self.address, alerts, s, digest)
        allow = outbound.private_allowed() if s.allow_private is None else s.allow_private
        try:
            with _GuardedSMTP(s.smtp_host, s.smtp_port, timeout=s.timeout, allow=allow) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_user and s.smtp_password:
                    smtp.login(s.smtp_user, s.smtp_password)
                smtp.send_message(mail)
        except outbound.OutboundRefused as exc:
            raise DeliveryFailed(f"SMTP host {exc}", retryable=False) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryFailed(f"SMTP refused {self.address}: {exc}", retryable=False) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryFailed(
                f"SMTP login failed ({exc.smtp_code}): "
                "set HUBBUB_SMTP_USER and HUBBUB_SMTP_PASSWORD",
                retryable=False,
            ) from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(
                f"SMTP {s.smtp_host}:{s.smtp_port}: {type(exc).__name__}: {exc}"
            ) from None
