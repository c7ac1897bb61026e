"""Hubbub: open-source social listening and consumer insight."""

from hubbub.errors import HubbubError
from hubbub.models import Author, Media, Metrics, Post

__version__ = "0.1.0"

__all__ = ["Author", "HubbubError", "Media", "Metrics", "Post", "__version__"]
