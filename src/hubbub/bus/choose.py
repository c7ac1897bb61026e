"""The bus a process uses, from the `bus` setting or a `--bus` option."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hubbub.errors import ConfigError


def open_bus(spec: str, max_pending: int, ack_wait: float = 30.0) -> Any:
    """`memory` → the embedded bus; `nats://host:port[,nats://...]` → NATS JetStream."""
    spec = spec.strip()
    if spec in ("", "memory"):
        from hubbub.bus.memory import MemoryBus

        return MemoryBus(max_pending)
    if spec.startswith(("nats://", "tls://")):
        from hubbub.bus.nats import NatsBus

        return NatsBus(spec, max_pending, ack_wait)
    raise ConfigError(
        f"unknown bus {spec!r}: use `memory` or a NATS URL like nats://127.0.0.1:4222"
    )


def bus_for(home: Path, spec: str | None = None) -> Any:
    """The bus `spec` names (else the home's `bus` setting), with the home's limits."""
    from hubbub import settings

    return open_bus(
        spec if spec is not None else str(settings.get("bus", home)),
        int(settings.get("live_max_pending", home)),
        float(settings.get("bus_ack_wait", home)),
    )
