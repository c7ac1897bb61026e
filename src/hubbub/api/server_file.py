"""`<home>/server.json`: how the CLI and `hubbub.open(home)` find a running `hubbub serve`.

The server writes `{"pid", "url", "token", "started_at"}` with mode 600 (only the owner of the
home can read the token) when it starts and removes it on exit. The token is the server's
in-memory local admin token (see api/deps.py). A file left behind by a crash is ignored: the
pid must be alive and GET /health must answer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

SERVER_FILE = "server.json"


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    url: str
    token: str


def write_server_file(home: Path, url: str, token: str) -> Path:
    path = Path(home) / SERVER_FILE
    data = {"pid": os.getpid(), "url": url, "token": token, "started_at": datetime.now(UTC)}
    tmp = path.with_suffix(".tmp")
    # Created with mode 600 from the start: the token is never readable by others, not even
    # for the moment between creating and chmod-ing the file.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(orjson.dumps(data))
    os.replace(tmp, path)
    return path


def remove_server_file(home: Path) -> None:
    path = Path(home) / SERVER_FILE
    try:
        data = orjson.loads(path.read_bytes())
        if data.get("pid") == os.getpid():  # never remove another server's file
            path.unlink()
    except (OSError, ValueError):
        pass


def running_server(home: Path, timeout: float = 2.0) -> ServerInfo | None:
    """The server that owns this home's store, if one is running and answers."""
    path = Path(home) / SERVER_FILE
    try:
        data = orjson.loads(path.read_bytes())
        info = ServerInfo(int(data["pid"]), str(data["url"]), str(data["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _alive(info.pid):
        return None
    import httpx

    try:
        answer = httpx.get(info.url.rstrip("/") + "/health", timeout=timeout)
    except httpx.HTTPError:
        return None
    return info if answer.status_code == 200 else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but someone else's
        return True
    return True
