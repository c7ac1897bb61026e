"""A local stand-in for X's recent-search API that keeps publishing tweets, for the live benches.

bench/crash.py --live and bench/load.py point a `type = "x"` source of a temporary home at it
(`base_url = http://127.0.0.1:PORT`), so `hubbub serve` collects through the real connector,
cursor and Importer path, as a deployment does. Tweet number i (0, 1, 2, ...) is published at
`t0 + i / rate`, whether or not anybody is fetching: while a killed server is down the tweets
pile up, as on a real platform, and the restarted server must resume from its cursor.

It runs in its own process (`python bench/live_fixture.py --rate 200`), prints one JSON line
`{"port", "t0", "rate", "first_id"}` when it listens, and answers

    GET  /2/tweets/search/recent   since_id, start_time, max_results, next_token (newest first)
    GET  /_fixture/state           {"published": n}
    POST /_fixture/start           with --hold: start publishing now; {"t0": ...}
    POST /_fixture/freeze          stop publishing; {"published": n} (the final count)

Publishing starts when it listens, or with `--hold` when told to (bench/load.py starts it once
the server is up, so the measured window holds no start-up backlog).

Tweet i has id `first_id + i` (`--first-id`, so runs into one home never reuse ids) and the
word `hbq<id>` in its text, so a client can ask the API whether that one tweet is stored yet
(bench/load.py measures ingest lag with it). Texts, languages and authors come from the demo
generator, so enrichment costs what it costs on real-looking posts.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

FIRST_ID = 2_000_000_000_000_000_000  # above the demo's X ids, 19 digits like real ones
POOL = 2000  # distinct demo texts cycled through
USERS = 500


def probe_word(tweet_id: int) -> str:
    """The word only this tweet contains (a query for it finds that tweet alone)."""
    return f"hbq{tweet_id}"


def tweet_key(number: int, first_id: int = FIRST_ID) -> tuple[str, str]:
    """The (platform, platform_id) tweet `number` is stored under."""
    return ("x", str(first_id + number))


class Feed:
    """Tweets published at `rate` per second from `t0`, until frozen."""

    def __init__(
        self, rate: float, seed: int = 11, hold: bool = False, first_id: int = FIRST_ID
    ) -> None:
        from hubbub.demo import generate

        self.rate = rate
        self.first_id = first_id
        self.t0 = time.time()
        self._frozen: int | None = 0 if hold else None  # held: nothing published yet
        self._started = not hold
        self._lock = threading.Lock()
        self.texts: list[tuple[str, str]] = []
        for post in generate(posts=POOL, seed=seed):
            lang = (post.lang or "en").split("-")[0]
            self.texts.append((post.text.replace("\n", " ")[:240], lang))

    def published(self) -> int:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return max(0, int((time.time() - self.t0) * self.rate))

    def start(self) -> float:
        """Publish from now on (tweet 0 now); a no-op once started."""
        with self._lock:
            if self._frozen == 0 and not self._started:
                self.t0 = time.time()
                self._frozen = None
            self._started = True
            return self.t0

    def freeze(self) -> int:
        with self._lock:
            if self._frozen is None:
                self._frozen = max(0, int((time.time() - self.t0) * self.rate))
            return self._frozen

    def tweet(self, number: int) -> dict[str, Any]:
        text, lang = self.texts[number % len(self.texts)]
        at = datetime.fromtimestamp(self.t0 + number / self.rate, UTC)
        return {
            "id": str(self.first_id + number),
            "author_id": str(1_000 + number % USERS),
            "created_at": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "text": f"{text} {probe_word(self.first_id + number)}",
            "lang": lang,
            "public_metrics": {
                "retweet_count": number % 7,
                "reply_count": number % 3,
                "like_count": number % 50,
                "quote_count": 0,
            },
        }

    def search(self, params: dict[str, str]) -> dict[str, Any]:
        """One page, newest first, of the tweets matching X's paging parameters."""
        count = self.published()
        low = 0  # the oldest tweet number the query covers
        if params.get("since_id", "").isdigit():
            low = max(0, int(params["since_id"]) - self.first_id + 1)
        if params.get("start_time"):
            start = datetime.fromisoformat(params["start_time"].replace("Z", "+00:00"))
            first = int((start.timestamp() - self.t0) * self.rate)
            low = max(low, first if first >= 0 else 0)
        high = count  # one past the newest
        token = params.get("next_token", "")
        if token.startswith("u") and token[1:].isdigit():
            high = min(high, int(token[1:]) - self.first_id)
        size = max(10, min(100, int(params.get("max_results") or 10)))
        numbers = list(range(high - 1, max(low, high - size) - 1, -1))
        if not numbers:
            return {"meta": {"result_count": 0}}
        tweets = [self.tweet(n) for n in numbers]
        users = {t["author_id"] for t in tweets}
        meta: dict[str, Any] = {
            "newest_id": tweets[0]["id"],
            "oldest_id": tweets[-1]["id"],
            "result_count": len(tweets),
        }
        if numbers[-1] > low:  # older tweets remain: the next page ends below this one
            meta["next_token"] = f"u{self.first_id + numbers[-1]}"
        return {
            "data": tweets,
            "includes": {
                "users": [
                    {
                        "id": u,
                        "username": f"fixture_{u}",
                        "name": f"Fixture {u}",
                        "public_metrics": {"followers_count": int(u) * 3 % 100_000},
                    }
                    for u in sorted(users)
                ]
            },
            "meta": meta,
        }


def handler_for(feed: Feed) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle's algorithm on, the body then waits
        # for the client's delayed ACK (a third of the collection thread's time in a profile).
        disable_nagle_algorithm = True

        def _send(self, status: int, body: Any) -> None:
            data = orjson.dumps(body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/2/tweets/search/recent":
                self._send(200, feed.search(params))
            elif parts.path == "/_fixture/state":
                self._send(200, {"published": feed.published()})
            else:
                self._send(404, {"title": "Not Found"})

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            if path == "/_fixture/freeze":
                self._send(200, {"published": feed.freeze()})
            elif path == "/_fixture/start":
                self._send(200, {"t0": feed.start()})
            else:
                self._send(404, {"title": "Not Found"})

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: thousands of requests

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="tweets published per second")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--hold", action="store_true", help="publish after POST /_fixture/start")
    parser.add_argument("--first-id", type=int, default=FIRST_ID, help="the first tweet's id")
    args = parser.parse_args()
    if args.rate <= 0:
        raise SystemExit("--rate must be > 0 tweets per second")
    feed = Feed(args.rate, args.seed, args.hold, args.first_id)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(feed))
    server.daemon_threads = True
    if not args.hold:
        feed.t0 = time.time()  # publishing starts when the server listens
    info = {"port": server.server_address[1], "t0": feed.t0, "rate": feed.rate}
    print(orjson.dumps({**info, "first_id": args.first_id}).decode(), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
