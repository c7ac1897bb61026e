"""Outbound safety (SSRF): user-supplied URLs must not reach the server's own network.

Webhook, Slack and feed URLs, article links found in feeds, streaming endpoints and the SMTP
host are typed by users (or by whoever writes the feed), yet the requests leave from the
server. Unless an admin sets `allow_private_urls` (HUBBUB_ALLOW_PRIVATE_URLS=1), Hubbub refuses
any address that is not globally routable: loopback, private (RFC 1918, fc00::/7), link-local
(169.254/16 with the cloud metadata service, fe80::/10), shared (100.64/10), multicast,
unspecified, reserved and documentation ranges, and IPv6 forms that embed such an IPv4
address (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96, 2002::/16).

Checked twice, because a name can resolve differently the second time (DNS rebinding):
- `check_url` when a URL is saved (rule, source) and before each request: scheme, and the host
  as a literal IP in any spelling (`2130706433`, `0x7f.1`, `0177.0.0.1`) or its DNS answers;
- `connect_tcp`/`GuardedTransport` at connect time: the name is resolved once, every answer is
  checked, and the socket connects to the checked address itself, never re-resolving. Every
  redirect is a new request through the same transport, so it is checked the same way.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from httpcore._backends.sync import SyncStream  # the stream SyncBackend itself returns

from hubbub.errors import ConfigError, SourceTerminal

SETTING_HINT = (
    "an admin can allow it with the setting allow_private_urls (HUBBUB_ALLOW_PRIVATE_URLS=1)"
)
HTTP_SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Not covered by `is_private` in Python 3.11, or worth naming in the message.
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPAT = ipaddress.IPv6Network("::/96")
# What inet_aton accepts as an IPv4 spelling: 1-4 dot-separated decimal, octal or hex parts.
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.I)


class OutboundRefused(SourceTerminal, ConfigError):
    """An outbound URL or address is not allowed. A SourceTerminal for connectors (retrying will
    not help) and a ConfigError where a URL is saved."""


_home: Path | None = None  # the home this process works on (`use_home`)


def use_home(home: Path) -> None:
    """Read `allow_private_urls` from this home's hubbub.toml when no home is passed: the CLI
    calls it once it knows `--home`, so connectors (which know no home) follow that home."""
    global _home
    _home = home


def private_allowed(home: Path | None = None) -> bool:
    """The `allow_private_urls` setting: the environment, else the hubbub.toml of `home` (or of
    the home given to `use_home`, or HUBBUB_HOME's), else off."""
    from hubbub import settings

    home = home or _home or settings.resolve_home()
    return bool(settings.get("allow_private_urls", home))


def embedded_ipv4(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), else `ip`."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or (ip in _IPV4_COMPAT and int(ip) > 1):  # ::1 and :: are themselves
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def refusal(ip: IPAddress) -> str | None:
    """Why `ip` is not a public address ("loopback", "private", ...), or None when it is."""
    ip = embedded_ipv4(ip)
    for name, hit in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("shared (100.64.0.0/10)", isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
    ):
        if hit:
            return name
    return None if ip.is_global else "not globally routable"


def literal_ip(host: str) -> IPAddress | None:
    """`host` as an IP address if it is one in any spelling a resolver accepts, else None."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        pass
    if _LEGACY_IPV4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def check_ip(ip: IPAddress, host: str, allow_private: bool) -> None:
    reason = None if allow_private else refusal(ip)
    if reason is not None:
        shown = host if host == str(ip) else f"{host} ({ip})"
        raise OutboundRefused(f"{shown}: {reason} address refused; {SETTING_HINT}")


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (a literal IP in any spelling is itself)."""
    literal = literal_ip(host)
    if literal is not None:
        return [literal]
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def check_url(
    url: str,
    allow_private: bool | None = None,
    *,
    schemes: Iterable[str] = HTTP_SCHEMES,
    resolve_names: bool = True,
) -> None:
    """Refuse `url` unless its scheme is one of `schemes` and its host is public.

    `allow_private` None reads the setting. A name that does not resolve passes here (the
    request itself will fail, and offline setups can still be configured); the connect-time
    check decides for real.
    """
    schemes = tuple(schemes)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundRefused(f"{url!r} is not a valid URL") from None
    if parts.scheme.lower() not in schemes:
        allowed = " or ".join(f"{s}://" for s in schemes)
        raise OutboundRefused(f"{url!r}: only {allowed} URLs are allowed")
    host = parts.hostname or ""
    if not host:
        raise OutboundRefused(f"{url!r} has no host")
    if allow_private is None:
        allow_private = private_allowed()
    if allow_private:
        return
    check_host(
        host,
        port or (443 if parts.scheme.lower() in ("https", "wss") else 80),
        False,
        resolve_names=resolve_names,
    )


def check_host(host: str, port: int, allow_private: bool, *, resolve_names: bool = True) -> None:
    """Refuse `host` (a name or IP) when it is, or resolves to, a non-public address."""
    if allow_private:
        return
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: always loopback
        raise OutboundRefused(f"{host}: loopback address refused; {SETTING_HINT}")
    literal = literal_ip(name)
    if literal is not None:
        check_ip(literal, host, False)
        return
    if not resolve_names:
        return
    try:
        addresses = resolve(name, port)
    except (OSError, UnicodeError):
        return
    for ip in addresses:
        check_ip(ip, host, False)


def connect_tcp(host: str, port: int, timeout: float | None, allow_private: bool) -> socket.socket:
    """A TCP socket to `host`, connected to an address checked against the policy.

    The name is resolved once here and the socket connects to the very address checked, so a
    DNS answer that changes between the check and the connect cannot slip through.
    """
    name = host.strip("[]")
    try:
        addresses = resolve(name, port)
    except OSError as exc:
        raise OSError(f"cannot resolve {host}: {exc}") from None
    for ip in addresses:
        check_ip(ip, host, allow_private)
    last: OSError | None = None
    for ip in addresses:
        family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect((str(ip), port))
        except OSError as exc:
            sock.close()
            last = exc
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    raise last or OSError(f"cannot connect to {host}:{port}")


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend with the connect-time check (httpx connects through it)."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if self.allow_private:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            sock = connect_tcp(host, port, timeout, False)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc)) from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from None
        for option in socket_options or ():
            sock.setsockopt(*option)
        return SyncStream(sock)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport, refusing non-http(s) and non-public targets on every request and
    redirect, and re-checking the resolved address when it connects."""

    def __init__(self, allow_private: bool | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allow_private = private_allowed() if allow_private is None else allow_private
        pool = self._pool
        if isinstance(pool, httpcore.ConnectionPool):  # proxies keep their own backend
            pool._network_backend = _GuardedBackend(self.allow_private)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        check_url(str(request.url), self.allow_private, resolve_names=False)
        return super().handle_request(request)


def transport_for(
    transport: httpx.BaseTransport | None, allow_private: bool | None = None
) -> httpx.BaseTransport:
    """The transport to use: an injected one (tests replaying answers) as is, else a guarded one."""
    return transport if transport is not None else GuardedTransport(allow_private)


def client_options(
    transport: httpx.BaseTransport | None, allow_private: bool | None = None
) -> dict[str, Any]:
    """`transport` and `event_hooks` for an `httpx.Client` that sends user-supplied URLs.

    An injected transport (tests replaying answers) is used as is. Otherwise the guarded
    transport checks at connect time, and a request hook checks every request and redirect
    before it is sent, which also covers requests an environment proxy would carry (the
    transport then connects to the proxy, not to the target)."""
    if transport is not None:
        return {"transport": transport}
    allow = private_allowed() if allow_private is None else allow_private

    def guard(request: httpx.Request) -> None:
        check_url(str(request.url), allow)

    return {"transport": GuardedTransport(allow), "event_hooks": {"request": [guard]}}
