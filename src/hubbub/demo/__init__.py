"""Deterministic, realistic demo data: a month of multilingual conversation about a fictional
phone brand (Aurora, with competitors Nimbus and Zephyr), with planted stories to find.

    from hubbub.demo import generate, STORIES, TOPICS
    for post in generate(posts=20_000, seed=7): ...

`generate_labeled` yields the same posts with the ground truth (story, topic, sentiment).
"""

from hubbub.demo.generator import LabeledPost, generate, generate_labeled
from hubbub.demo.stories import DEFAULT_DAYS, DEFAULT_START, STORIES, Story, summary
from hubbub.demo.topics import TOPICS, DemoTopic

__all__ = [
    "DEFAULT_DAYS",
    "DEFAULT_START",
    "STORIES",
    "TOPICS",
    "DemoTopic",
    "LabeledPost",
    "Story",
    "generate",
    "generate_labeled",
    "summary",
]
