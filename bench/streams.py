"""Streaming connectors: Bilibili packet decoding, the keyword filter, and a Jetstream run.

    python bench/streams.py [--frames 20000] [--posts 5000] [--batch 200]

Prints figures; passes or fails nothing.

decode: Bilibili live frames as the server sends them (10 DANMU_MSG packets compressed into one
packet, brotli or zlib), decoded and each message parsed as JSON.

filter: the Jetstream/Mastodon keyword filter (`PostFilter`) on synthetic posts, half of them
matching a two-term OR query, per batch of --batch and one post at a time.

jetstream: `run_once` of a `bluesky_jetstream` source against a local WebSocket server that
sends --posts post events (half matching) and then idles; the run ends at max_items. Events/s
counts every event received, through filter, archive, mapping and the embedded store
(enrichment off).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
from websockets.sync.server import ServerConnection, serve

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.bilibili.packets import Operation, Packet, Version, decode, encode
from hubbub.connectors.bluesky.jetstream_mapping import map_jetstream_event
from hubbub.connectors.cursors import StateStore
from hubbub.connectors.importers.pipeline import Importer
from hubbub.connectors.run import run_once
from hubbub.connectors.sources import make_connector
from hubbub.connectors.stream import PostFilter
from hubbub.store import open_store

QUERY = "hubbub OR 蜂鸣"
T0 = 1772459000000000


def danmu(i: int) -> bytes:
    info = [[0, 1, 25, 16777215, 1772459100000 + i, i, 0, "c2f3a4b5"], f"弹幕 {i} 主播好", [i, "u"]]
    return orjson.dumps({"cmd": "DANMU_MSG", "info": info})


def bench_decode(frames: int) -> None:
    for version in (Version.BROTLI, Version.ZLIB):
        inner = b"".join(
            encode(Packet(Operation.MESSAGE, danmu(i), Version.JSON, 0)) for i in range(10)
        )
        frame = encode(Packet(Operation.MESSAGE, inner, version, 0))
        started = time.perf_counter()
        messages = 0
        for _ in range(frames):
            for packet in decode(frame):
                packet.json()
                messages += 1
        seconds = time.perf_counter() - started
        print(
            f"decode {version.name.lower():6} {frames / seconds:10,.0f} frames/s "
            f"{messages / seconds:10,.0f} messages/s ({len(frame)} bytes a frame)"
        )


def event(i: int) -> dict:
    text = f"post {i}: trying hubbub today" if i % 2 else f"post {i}: lunch was fine"
    record = {"$type": "app.bsky.feed.post", "createdAt": "2026-03-02T13:43:21Z", "text": text}
    commit = {"operation": "create", "collection": "app.bsky.feed.post", "rkey": f"3k{i:09d}"}
    did = f"did:plc:{i % 97:024d}"
    return {"did": did, "time_us": T0 + i, "kind": "commit", "commit": {**commit, "record": record}}


def bench_filter(posts: int, batch: int) -> None:
    keep = PostFilter(QUERY, "bench", map_jetstream_event)
    events = [event(i) for i in range(posts)]
    started = time.perf_counter()
    kept = sum(len(keep(events[i : i + batch])) for i in range(0, posts, batch))
    batched = time.perf_counter() - started
    sample = events[: max(1, posts // 10)]
    started = time.perf_counter()
    for item in sample:
        keep([item])
    single = time.perf_counter() - started
    print(
        f"filter batched ({batch}) {posts / batched:8,.0f} posts/s, one at a time "
        f"{len(sample) / single:8,.0f} posts/s ({kept:,} of {posts:,} kept)"
    )


def bench_jetstream(posts: int) -> None:
    lines = [orjson.dumps(event(i)).decode() for i in range(posts)]

    def firehose(ws: ServerConnection) -> None:
        for line in lines:
            ws.send(line)
        for _ in ws:
            pass

    # The firehose listens on 127.0.0.1: allow it past the outbound guard (docs/security.md).
    os.environ.setdefault("HUBBUB_ALLOW_PRIVATE_URLS", "1")
    server = serve(firehose, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}"
    with tempfile.TemporaryDirectory() as home:
        config = SourceConfig(
            "js", "bluesky_jetstream", query=QUERY, base_url=url,
            options={"max_items": str(posts // 2), "duration": "600"},
        )  # fmt: skip
        store = open_store(Path(home))
        try:
            with Importer(store, Path(home)) as importer:
                connector = make_connector(config)
                started = time.perf_counter()
                result = run_once(connector, importer, StateStore(Path(home)))
                seconds = time.perf_counter() - started
                connector.close()
        finally:
            store.close()
            server.shutdown()
    print(
        f"jetstream run {posts / seconds:10,.0f} events/s received, "
        f"{result.stored / seconds:8,.0f} posts/s stored ({result.stored:,} stored, "
        f"{result.pages} pages, {seconds:.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    bench_decode(args.frames)
    bench_filter(args.posts, args.batch)
    bench_jetstream(args.posts)


if __name__ == "__main__":
    main()
