"""The demo's topics (hubbub.demo.topics) saved into a workspace, for `hubbub demo`."""

from __future__ import annotations

from pathlib import Path

from hubbub.topics.models import DEFAULT_WORKSPACE, Topic
from hubbub.topics.storage import TopicStore


def load_demo_topics(home: Path, workspace: str = DEFAULT_WORKSPACE) -> list[Topic]:
    """Add every demo topic not already there (by name); returns the ones added.

    Idempotent, and it never overwrites a topic the user has edited since.
    """
    from hubbub.demo.topics import TOPICS

    added = []
    with TopicStore(home) as topics:
        for demo in TOPICS:
            if topics.find(workspace, demo.name) is None:
                topic = Topic(demo.name, demo.query, demo.group, demo.description)
                added.append(topics.add(workspace, topic, by="hubbub demo"))
    return added
