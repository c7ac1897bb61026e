"""The Python SDK: the same client over a local home or a running server.

    hubbub.open(home, workspace="default")   in-process (through `hubbub serve`'s API instead
                                              when a server owns the home's store)
    hubbub.connect(url, token)               over HTTP

Both return a `Client` with the same methods (topics, posts, each analysis, export) and the
same result types (hubbub.topics.Topic, the dataclasses of hubbub.analytics), so code moves
between a notebook on the data and a remote server unchanged. `to_pandas(result)` turns a
result into a DataFrame (`pip install 'hubbub[pandas]'`).
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from hubbub import analytics
from hubbub.api.service import Service
from hubbub.errors import ConfigError, HubbubError, QueryError, StoreError, StoreLocked
from hubbub.topics import DEFAULT_WORKSPACE, Topic, TopicExists, TopicNotFound, TopicVersion

Day = datetime | str | None
Codes = Sequence[str] | str

# What each analysis returns, so a JSON answer becomes the same type as a local result.
RESULTS: dict[str, type] = {
    "volume": analytics.Volume,
    "sentiment": analytics.Sentiment,
    "top": analytics.Top,
    "authors": analytics.Authors,
    "compare": analytics.Comparison,
    "emerging": analytics.Emerging,
    "breakdown": analytics.Breakdown,
    "posts": analytics.Page,
    "sov": analytics.ShareOfVoice,
}


class Client(ABC):
    """Topics and analyses of one workspace. Scope arguments, on every analysis:

    topic (a topic's name) and/or q (a boolean query; with a topic, ANDed with it), since and
    until (a day or ISO time, UTC; until exclusive), platforms, langs, countries, sentiments.
    Options left as None take the analysis' defaults (see docs/analytics.md).
    """

    workspace: str

    # ---- topics --------------------------------------------------------------------------
    @abstractmethod
    def topics(self, group: str | None = None) -> list[Topic]: ...

    @abstractmethod
    def topic(self, name: str) -> Topic: ...

    @abstractmethod
    def add_topic(
        self,
        name: str,
        query: str,
        group: str = "other",
        description: str = "",
        filters: dict[str, Any] | None = None,
    ) -> Topic: ...

    @abstractmethod
    def edit_topic(self, name: str, **changes: Any) -> Topic:
        """Change new_name, query, group, description or filters (a dict)."""

    @abstractmethod
    def remove_topic(self, name: str) -> TopicVersion: ...

    @abstractmethod
    def topic_history(self, name: str) -> list[TopicVersion]: ...

    @abstractmethod
    def revert_topic(self, name: str, version: int) -> Topic: ...

    # ---- analyses ------------------------------------------------------------------------
    @abstractmethod
    def _analyze(self, name: str, scope: dict[str, Any], options: dict[str, Any]) -> Any: ...

    @abstractmethod
    def _share_of_voice(
        self, topics: list[str], group: str | None, filters: dict[str, Any], options: dict[str, Any]
    ) -> analytics.ShareOfVoice: ...

    @abstractmethod
    def export(
        self,
        output: str | Path | IO[bytes],
        format: str = "ndjson",
        topic: str | None = None,
        *,
        q: str | None = None,
        **filters: Any,
    ) -> int:
        """Write every matching post (oldest first, no cap) to a path or binary file; returns
        the number of bytes written."""

    def volume(
        self,
        topic: str | None = None,
        *,
        interval: str | None = None,
        split_by: str | None = None,
        tz: str | None = None,
        **scope: Any,
    ) -> analytics.Volume:
        return self._analyze(  # type: ignore[no-any-return]
            "volume", _scope(topic, scope), {"interval": interval, "split_by": split_by, "tz": tz}
        )

    def share_of_voice(
        self,
        topics: Sequence[str] = (),
        *,
        group: str | None = None,
        metric: str | None = None,
        interval: str | None = None,
        tz: str | None = None,
        **filters: Any,
    ) -> analytics.ShareOfVoice:
        """Share of voice between topics (by name) or every topic of a group."""
        options = {"metric": metric, "interval": interval, "tz": tz}
        return self._share_of_voice(list(topics), group, _filters(filters), options)

    def sentiment(
        self,
        topic: str | None = None,
        *,
        interval: str | None = None,
        tz: str | None = None,
        **scope: Any,
    ) -> analytics.Sentiment:
        return self._analyze(  # type: ignore[no-any-return]
            "sentiment", _scope(topic, scope), {"interval": interval, "tz": tz}
        )

    def top(
        self,
        topic: str | None = None,
        *,
        kind: str | None = None,
        limit: int | None = None,
        trend: bool | None = None,
        **scope: Any,
    ) -> analytics.Top:
        return self._analyze(  # type: ignore[no-any-return]
            "top", _scope(topic, scope), {"kind": kind, "limit": limit, "trend": trend}
        )

    def authors(
        self,
        topic: str | None = None,
        *,
        sort: str | None = None,
        limit: int | None = None,
        **scope: Any,
    ) -> analytics.Authors:
        return self._analyze(  # type: ignore[no-any-return]
            "authors", _scope(topic, scope), {"sort": sort, "limit": limit}
        )

    def compare(self, topic: str | None = None, **scope: Any) -> analytics.Comparison:
        return self._analyze("compare", _scope(topic, scope), {})  # type: ignore[no-any-return]

    def emerging(
        self,
        topic: str | None = None,
        *,
        baseline_days: int | None = None,
        min_count: int | None = None,
        limit: int | None = None,
        **scope: Any,
    ) -> analytics.Emerging:
        options = {"baseline_days": baseline_days, "min_count": min_count, "limit": limit}
        return self._analyze("emerging", _scope(topic, scope), options)  # type: ignore[no-any-return]

    def breakdown(
        self, topic: str | None = None, *, by: str | None = None, **scope: Any
    ) -> analytics.Breakdown:
        return self._analyze("breakdown", _scope(topic, scope), {"by": by})  # type: ignore[no-any-return]

    def posts(
        self,
        topic: str | None = None,
        *,
        order: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        bucket: dict[str, Any] | None = None,
        **scope: Any,
    ) -> analytics.Page:
        """One page of matching posts; pass `page.next_cursor` as `cursor` for the next."""
        options = {"order": order, "limit": limit, "cursor": cursor, "bucket": bucket}
        return self._analyze("posts", _scope(topic, scope), options)  # type: ignore[no-any-return]

    @abstractmethod
    def search(
        self, q: str | None = None, *, topic: str | None = None, limit: int = 20, **filters: Any
    ) -> list[dict[str, Any]]:
        """The newest matching posts as full store rows (`hubbub search`); see `posts` for
        pages of the posts behind a figure."""

    @abstractmethod
    def stats(
        self, q: str | None = None, *, topic: str | None = None, **filters: Any
    ) -> dict[str, Any]:
        """Matching posts: total, by platform, language and day (`hubbub stats`)."""

    def iter_posts(self, topic: str | None = None, **options: Any) -> Iterator[dict[str, Any]]:
        """Every matching post, following the cursors."""
        cursor = None
        while True:
            page = self.posts(topic, cursor=cursor, **options)
            yield from page.posts
            cursor = page.next_cursor
            if not cursor:
                return

    # ---- lifetime ------------------------------------------------------------------------
    def close(self) -> None:  # noqa: B027 (optional hook)
        pass

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_SCOPE_KEYS = ("q", "since", "until", "platforms", "langs", "countries", "sentiments")
_FILTER_KEYS = ("since", "until", "platforms", "langs", "countries", "sentiments")


def _scope(topic: str | None, given: dict[str, Any]) -> dict[str, Any]:
    unknown = set(given) - set(_SCOPE_KEYS)
    if unknown:
        raise ConfigError(f"unknown option {', '.join(sorted(unknown))}")
    return {"topic": topic, **given}


def _filters(given: dict[str, Any]) -> dict[str, Any]:
    unknown = set(given) - set(_FILTER_KEYS)
    if unknown:
        raise ConfigError(f"unknown option {', '.join(sorted(unknown))}")
    return given


# ---- in-process ------------------------------------------------------------------------------


class LocalClient(Client):
    """Works on the home directly; opens the store on the first call that reads posts."""

    def __init__(
        self, home: Path, workspace: str = DEFAULT_WORKSPACE, store: Any = None, by: str = ""
    ) -> None:
        self.home = Path(home)
        self.workspace = workspace
        self._store = store
        self._owns_store = store is None
        self.service = Service(self.home, workspace, self._get_store, by=by or _who())

    def _get_store(self) -> Any:
        if self._store is None:
            from hubbub.store import open_store

            self._store = open_store(self.home)
        return self._store

    def close(self) -> None:
        if self._owns_store and self._store is not None:
            self._store.close()
            self._store = None

    def topics(self, group: str | None = None) -> list[Topic]:
        return self.service.topics(group)

    def topic(self, name: str) -> Topic:
        return self.service.topic(name)

    def add_topic(
        self,
        name: str,
        query: str,
        group: str = "other",
        description: str = "",
        filters: dict[str, Any] | None = None,
    ) -> Topic:
        return self.service.add_topic(name, query, group, description, filters)

    def edit_topic(self, name: str, **changes: Any) -> Topic:
        return self.service.edit_topic(name, **changes)

    def remove_topic(self, name: str) -> TopicVersion:
        return self.service.remove_topic(name)

    def topic_history(self, name: str) -> list[TopicVersion]:
        return self.service.topic_history(name)

    def revert_topic(self, name: str, version: int) -> Topic:
        return self.service.revert_topic(name, version)

    def _analyze(self, name: str, scope: dict[str, Any], options: dict[str, Any]) -> Any:
        return self.service.analyze(name, self.service.scope(**scope), **options)

    def _share_of_voice(
        self, topics: list[str], group: str | None, filters: dict[str, Any], options: dict[str, Any]
    ) -> analytics.ShareOfVoice:
        scopes = self.service.group_scopes(topics, group, **filters)
        return self.service.share_of_voice(scopes, **options)  # type: ignore[no-any-return]

    def search(
        self, q: str | None = None, *, topic: str | None = None, limit: int = 20, **filters: Any
    ) -> list[dict[str, Any]]:
        scope = self.service.scope(**_scope(topic, {"q": q, **_filters(filters)}))
        return self.service.search(scope, limit)

    def stats(
        self, q: str | None = None, *, topic: str | None = None, **filters: Any
    ) -> dict[str, Any]:
        scope = self.service.scope(**_scope(topic, {"q": q, **_filters(filters)}))
        return self.service.stats(scope)

    def export(
        self,
        output: str | Path | IO[bytes],
        format: str = "ndjson",
        topic: str | None = None,
        *,
        q: str | None = None,
        **filters: Any,
    ) -> int:
        scope = self.service.scope(**_scope(topic, {"q": q, **_filters(filters)}))
        return _write(self.service.export(scope, format), output)


def _write(chunks: Iterator[bytes], output: str | Path | IO[bytes]) -> int:
    written = 0
    if isinstance(output, str | Path):
        with Path(output).open("wb") as handle:  # not open(): this module defines its own
            for chunk in chunks:
                written += handle.write(chunk)
        return written
    for chunk in chunks:
        written += output.write(chunk) or 0
    return written


def _who() -> str:
    import getpass

    try:
        return f"sdk:{getpass.getuser()}"
    except (KeyError, OSError):
        return "sdk"


# ---- over HTTP -------------------------------------------------------------------------------


class HttpClient(Client):
    """Talks to `hubbub serve` (or any Hubbub API). `http` may be a ready httpx.Client, e.g.
    FastAPI's TestClient, for tests without a network."""

    def __init__(
        self,
        url: str,
        token: str,
        workspace: str | None = None,
        http: Any = None,
        timeout: float = 300.0,
    ) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {token}"}
        if workspace:
            headers["X-Hubbub-Workspace"] = workspace
        self.url = url.rstrip("/")
        self._owns_http = http is None
        self._http = http or httpx.Client(base_url=self.url, timeout=timeout)
        self._headers = headers
        self.workspace = workspace or self._call("GET", "/v1/me")["workspace"]

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def _call(self, method: str, path: str, params: Any = None, json: Any = None) -> Any:
        response = self._send(method, path, params, json)
        return response.json()

    def _send(self, method: str, path: str, params: Any = None, json: Any = None) -> Any:
        import httpx

        try:
            response = self._http.request(
                method, path, params=params, json=json, headers=self._headers
            )
        except httpx.HTTPError as exc:
            raise HubbubError(f"cannot reach the Hubbub server at {self.url}: {exc}") from None
        if response.status_code >= 400:
            raise _error_from(response)
        return response

    def topics(self, group: str | None = None) -> list[Topic]:
        data = self._call("GET", "/v1/topics", {"group": group} if group else None)
        return [Topic.from_dict(t) for t in data["topics"]]

    def topic(self, name: str) -> Topic:
        return Topic.from_dict(self._call("GET", _topic_path(name)))

    def add_topic(
        self,
        name: str,
        query: str,
        group: str = "other",
        description: str = "",
        filters: dict[str, Any] | None = None,
    ) -> Topic:
        body: dict[str, Any] = {
            "name": name,
            "query": query,
            "group": group,
            "description": description,
        }
        if filters is not None:
            body["filters"] = _filters_json(filters)
        return Topic.from_dict(self._call("POST", "/v1/topics", json=body))

    def edit_topic(self, name: str, **changes: Any) -> Topic:
        body = {("name" if k == "new_name" else k): v for k, v in changes.items() if v is not None}
        if "filters" in body:
            body["filters"] = _filters_json(body["filters"])
        return Topic.from_dict(self._call("PATCH", _topic_path(name), json=body))

    def remove_topic(self, name: str) -> TopicVersion:
        return TopicVersion.from_dict(self._call("DELETE", _topic_path(name)))

    def topic_history(self, name: str) -> list[TopicVersion]:
        data = self._call("GET", _topic_path(name) + "/history")
        return [TopicVersion.from_dict(v) for v in data["versions"]]

    def revert_topic(self, name: str, version: int) -> Topic:
        data = self._call("POST", _topic_path(name) + "/revert", json={"version": version})
        return Topic.from_dict(data)

    def _analyze(self, name: str, scope: dict[str, Any], options: dict[str, Any]) -> Any:
        params = _params(scope) + _params(options)
        path = "/v1/posts" if name == "posts" else f"/v1/analytics/{name}"
        return revive(RESULTS[name], self._call("GET", path, params))

    def _share_of_voice(
        self, topics: list[str], group: str | None, filters: dict[str, Any], options: dict[str, Any]
    ) -> analytics.ShareOfVoice:
        params = [("topic", t) for t in topics] + _params({"group": group, **filters, **options})
        return revive(RESULTS["sov"], self._call("GET", "/v1/analytics/sov", params))  # type: ignore[no-any-return]

    def search(
        self, q: str | None = None, *, topic: str | None = None, limit: int = 20, **filters: Any
    ) -> list[dict[str, Any]]:
        params = _params({"topic": topic, "q": q, **_filters(filters), "limit": limit})
        return self._call("GET", "/v1/search", params)["rows"]  # type: ignore[no-any-return]

    def stats(
        self, q: str | None = None, *, topic: str | None = None, **filters: Any
    ) -> dict[str, Any]:
        params = _params({"topic": topic, "q": q, **_filters(filters)})
        return self._call("GET", "/v1/stats", params)  # type: ignore[no-any-return]

    def export(
        self,
        output: str | Path | IO[bytes],
        format: str = "ndjson",
        topic: str | None = None,
        *,
        q: str | None = None,
        **filters: Any,
    ) -> int:
        import httpx

        params: Any = _params({"topic": topic, "q": q, **_filters(filters), "format": format})
        try:
            with self._http.stream(
                "GET", "/v1/export", params=params, headers=self._headers
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    raise _error_from(response)
                return _write(response.iter_bytes(), output)
        except httpx.HTTPError as exc:
            raise HubbubError(f"cannot reach the Hubbub server at {self.url}: {exc}") from None


# Our option names → the API's repeatable query parameters.
_PARAM_NAMES = {
    "platforms": "platform",
    "langs": "lang",
    "countries": "country",
    "sentiments": "sentiment",
}


def _params(values: dict[str, Any]) -> list[tuple[str, str]]:
    import orjson

    out: list[tuple[str, str]] = []
    for key, value in values.items():
        if value is None or value == () or value == []:
            continue
        name = _PARAM_NAMES.get(key, key)
        if isinstance(value, dict):
            out.append((name, orjson.dumps(value).decode()))
        elif isinstance(value, str) and name in _PARAM_NAMES.values():
            out.extend((name, v.strip()) for v in value.split(",") if v.strip())
        elif isinstance(value, list | tuple):
            out.extend((name, str(v)) for v in value)
        elif isinstance(value, bool):
            out.append((name, "true" if value else "false"))
        elif isinstance(value, datetime):
            out.append((name, value.isoformat()))
        else:
            out.append((name, str(value)))
    return out


def _filters_json(filters: Any) -> dict[str, Any]:
    return filters.to_dict() if hasattr(filters, "to_dict") else dict(filters)


def _topic_path(name: str) -> str:
    from urllib.parse import quote

    return "/v1/topics/" + quote(name, safe="")


_ERRORS: dict[str, type[HubbubError]] = {
    "not-found": TopicNotFound,
    "conflict": TopicExists,
    "store-locked": StoreLocked,
    "store-error": StoreError,
}


def _error_from(response: Any) -> HubbubError:
    """The API's error shape as the exception a local call would have raised."""
    from hubbub.auth import AuthError, Forbidden

    try:
        error = response.json()["error"]
        code, message = error["code"], error["message"]
    except (ValueError, KeyError, TypeError):
        return HubbubError(f"the server answered {response.status_code}: {response.text[:200]}")
    if code == "invalid-query":
        return QueryError(message, error.get("position", 0), error.get("hint", ""))
    kinds: dict[str, type[HubbubError]] = {
        **_ERRORS,
        "unauthorized": AuthError,
        "forbidden": Forbidden,
    }
    kind = kinds.get(code, ConfigError if response.status_code < 500 else HubbubError)
    return kind(message)


def revive(cls: type, data: dict[str, Any]) -> Any:
    """A result dataclass from its `to_dict()`: fields by name; derived keys are ignored."""
    if hasattr(cls, "from_dict"):
        return cls.from_dict(data)
    names = {f.name for f in dataclasses.fields(cls) if f.init}
    return cls(**{k: v for k, v in data.items() if k in names})


# ---- pandas ----------------------------------------------------------------------------------

# The table of each result, in order of preference: a time series first, then ranked items.
_TABLES = ("buckets", "over_time", "items", "posts")


def to_pandas(result: Any) -> Any:
    """A result as a pandas DataFrame: its rows (buckets, items or posts), else one row."""
    try:
        import pandas as pd
    except ImportError:
        raise ConfigError("to_pandas needs pandas: pip install 'hubbub[pandas]'") from None
    if isinstance(result, list):
        rows = [r.to_dict() if hasattr(r, "to_dict") else r for r in result]
        return pd.DataFrame(rows)
    data = result.to_dict()
    for key in _TABLES:
        rows = data.get(key)
        if isinstance(rows, list):
            return pd.json_normalize(rows)
    return pd.json_normalize(data)


# ---- entry points ----------------------------------------------------------------------------


def connect(url: str, token: str, workspace: str | None = None, http: Any = None) -> Client:
    """A client of the Hubbub API at `url`, authenticated by `token`."""
    return HttpClient(url, token, workspace, http=http)


def open(home: str | Path | None = None, workspace: str = DEFAULT_WORKSPACE) -> Client:
    """A client of a workspace home (default: $HUBBUB_HOME or ~/.hubbub).

    While `hubbub serve` owns the home's store, this goes through the server's API with its
    local token (from `<home>/server.json`), so it works either way.
    """
    from hubbub import settings
    from hubbub.api.server_file import running_server

    path = settings.resolve_home(home)
    server = running_server(path)
    if server is not None:
        return HttpClient(server.url, server.token, workspace)
    return LocalClient(path, workspace)
