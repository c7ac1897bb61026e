"""The live pipeline `hubbub serve` runs, and `hubbub replay` drives with a simulated clock.

    sources (scheduler.py) ─▶ map · enrich · store (Importer) ─▶ hubbub.posts.stored
        ─▶ percolation (stages.py) ─▶ hubbub.posts.matched ─▶ alert engine ─▶ alert store
        ─▶ deliverer (alerts/delivery.py) ─▶ webhook · Slack · email

LivePipeline      the stages wired on a bus, with start/stop (pipeline.py)
Watchlist         topics and alert rules, reloaded when they change (watchlist.py)
replay            a timestamped NDJSON through the same stages (replay.py)
"""

from hubbub.live.pipeline import LivePipeline
from hubbub.live.watchlist import TopicMatcher, Watchlist

__all__ = ["LivePipeline", "TopicMatcher", "Watchlist"]
