"""Starting the live pipeline inside `hubbub serve`, on the server's one store.

The pipeline writes through the API's store thread (api/deps.py: chdb must not be used from two
threads), and its graceful stop is registered with the app's shutdown, where it runs before the
store closes: collection stops, the streams drain, and only then does the store go.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hubbub import settings
from hubbub.alerts.channels.base import ChannelSettings
from hubbub.bus.choose import bus_for
from hubbub.bus.memory import MemoryBus
from hubbub.live.pipeline import LivePipeline, LiveSettings
from hubbub.live.store_access import StoreOnThread

log = logging.getLogger("hubbub.live")


def channel_settings(home: Path, server_url: str) -> ChannelSettings:
    values = {
        name: settings.get(name, home)
        for name in (
            "alert_base_url",
            "alert_delivery_timeout",
            "alert_smtp_host",
            "alert_smtp_port",
            "alert_smtp_from",
            "alert_smtp_starttls",
            "allow_private_urls",
        )
    }
    values["alert_base_url"] = values["alert_base_url"] or server_url
    return ChannelSettings.from_settings(values)


def start_live(
    state: Any, home: Path, server_url: str, bus_spec: str | None = None
) -> LivePipeline | None:
    """Start the pipeline for an opened `AppState`, unless the `live` setting is off.

    `bus_spec` (`--bus`, else the `bus` setting): on a NATS bus, enrichment is left to
    `hubbub worker --role enrich` processes (docs/scale-out.md)."""
    if not settings.get("live", home):
        return None
    bus = bus_for(home, bus_spec)
    pipeline = LivePipeline(
        home,
        StoreOnThread(state.get_store, state.executor),
        LiveSettings.from_home(home),
        channel_settings(home, server_url),
        bus=bus,
        relay_raw=not isinstance(bus, MemoryBus),
    )
    pipeline.start()
    state.on_close.append(pipeline.stop)  # runs before the store closes (AppState.close)
    log.info("live pipeline started")
    return pipeline
