"""Workspaces and topics: saved boolean queries with filters, versioned in `<home>/meta.sqlite3`.

TopicStore(home)            add / edit / remove / get / list / history / revert
Topic, TopicFilters         what a topic is; `make_filters` checks loose input
load_demo_topics(home)      the demo's topics into the default workspace (idempotent)
"""

from hubbub.topics.demo import load_demo_topics
from hubbub.topics.models import (
    DEFAULT_WORKSPACE,
    Topic,
    TopicExists,
    TopicFilters,
    TopicNotFound,
    TopicVersion,
    make_filters,
)
from hubbub.topics.storage import TopicStore

__all__ = [
    "DEFAULT_WORKSPACE",
    "Topic",
    "TopicExists",
    "TopicFilters",
    "TopicNotFound",
    "TopicStore",
    "TopicVersion",
    "load_demo_topics",
    "make_filters",
]
