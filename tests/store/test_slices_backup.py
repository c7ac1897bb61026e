"""A backup leaves the topic slices out (derived data) and the restored home rebuilds them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hubbub.backup.create import create_backup
from hubbub.backup.restore import restore_backup
from hubbub.models import Post
from hubbub.store import open_store
from hubbub.store.slices import read_state, slice_for, slice_key, sync_home
from hubbub.topics import Topic, TopicStore


def test_backup_skips_slices_and_restore_rebuilds_them(tmp_path: Path) -> None:
    home, restored = tmp_path / "home", tmp_path / "restored"
    with TopicStore(home) as topics:
        topics.add("default", Topic("Aurora", "aurora OR 极光"), "test")
    with open_store(home) as store:
        when = datetime(2024, 1, 1, tzinfo=UTC)
        store.write(
            [
                Post(platform="x", platform_id=str(i), created_at=when, text=text)
                for i, text in enumerate(["aurora one", "极光二", "other"])
            ]
        )
        assert sync_home(store, home).built == {slice_key("aurora OR 极光"): 2}
    manifest = create_backup(home, tmp_path / "home.tar")
    assert {t.name for t in manifest.tables} == {"posts"}
    restore_backup(tmp_path / "home.tar", restored)
    with open_store(restored) as store:
        assert read_state(store) == {}
        assert slice_for(store, "aurora OR 极光") is None
        assert sync_home(store, restored).built == {slice_key("aurora OR 极光"): 2}
        assert slice_for(store, "aurora OR 极光") == slice_key("aurora OR 极光")
