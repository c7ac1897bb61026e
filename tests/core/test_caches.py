"""A full memo dict loses its oldest quarter, and keeps what was added last."""

from hubbub.caches import make_room


def test_a_full_cache_drops_its_oldest_quarter_only() -> None:
    cache = {n: n for n in range(8)}
    make_room(cache, 8)
    assert list(cache) == [2, 3, 4, 5, 6, 7]
    make_room(cache, 8)  # not full: nothing goes
    assert len(cache) == 6
    tiny = {"a": 1}
    make_room(tiny, 1)  # a limit under 4 still makes room
    assert tiny == {}
