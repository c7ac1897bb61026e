"""After a restart the engine's baselines come from the store, so a rule need not wait
`min_history` windows to fire again (on the real embedded store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hubbub.alerts.engine import AlertEngine, topic_key
from hubbub.alerts.rules import make_rule
from hubbub.live.history import seed_engine
from hubbub.models import Author, Post
from hubbub.store import open_store
from hubbub.topics import Topic, make_filters


def test_seeded_history_lets_a_spike_fire_right_after_a_restart(tmp_path):
    now = datetime.now(UTC).replace(minute=30, second=0, microsecond=0)
    start = now.replace(minute=0) - timedelta(hours=48)
    posts = [
        Post(
            platform="x" if n % 2 else "weibo",
            platform_id=f"h{hour}-{n}",
            created_at=start + timedelta(hours=hour, minutes=n * 7),
            text="aurora x5",
            author=Author(handle=f"u{n}"),
        )
        for hour in range(48)
        for n in range(8)
    ]
    topic = Topic("Aurora", "aurora", filters=make_filters(platforms=["x"]))
    rule = make_rule("Aurora", "volume_spike", "1h", id=1)
    engine = AlertEngine([rule])
    key = topic_key("default", "Aurora")
    with open_store(tmp_path) as store:
        store.write(posts)
        assert seed_engine(engine, store, (topic,), now.timestamp()) == 1
    series = engine._series[(key, 3600)]
    assert series.first_start == int(start.timestamp())
    assert series.count_at(int(start.timestamp()) + 5 * 3600) == 4  # x only: the topic's filter
    assert len(engine._states[1].residuals) == 47  # every closed window but the first
    engine.begin(now.timestamp())
    burst = [
        {"created_at": now + timedelta(seconds=s), "platform": "x", "platform_id": f"b{s}"}
        for s in range(40)
    ]
    alerts = engine.observe(burst, [[key]] * 40, (now + timedelta(minutes=1)).timestamp())
    assert len(alerts) == 1 and alerts[0].expected is not None
