"""Several threads opening a new home's metadata database at once all succeed (switching a new
file to WAL used to answer "database is locked" to all but one, killing the alert deliverer)."""

from __future__ import annotations

import threading

from hubbub.alerts.store import AlertStore
from hubbub.auth import TokenStore
from hubbub.topics import TopicStore


def test_concurrent_first_opens_of_a_home_all_succeed(tmp_path) -> None:
    errors: list[BaseException] = []
    for trial in range(10):
        home = tmp_path / str(trial)

        def open_one(store_class: type, home=home) -> None:
            try:
                with store_class(home):
                    pass
            except Exception as exc:  # collected: an exception in a thread is otherwise lost
                errors.append(exc)

        threads = [
            threading.Thread(target=open_one, args=(cls,))
            for cls in (AlertStore, TokenStore, TopicStore) * 2
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
