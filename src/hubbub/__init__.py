"""Hubbub: open-source social listening and consumer insight."""

from typing import Any

from hubbub.errors import HubbubError
from hubbub.models import Author, Media, Metrics, Post

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The SDK pulls in the store, analytics and HTTP client: load it on first use only, so
    # `import hubbub` stays light for import workers and the CLI.
    if name in ("connect", "open"):
        from hubbub import sdk

        return getattr(sdk, name)
    raise AttributeError(f"module 'hubbub' has no attribute {name!r}")


__all__ = [
    "Author",
    "HubbubError",
    "Media",
    "Metrics",
    "Post",
    "__version__",
    "connect",
    "open",
]
