from datetime import UTC, datetime

import pytest

from hubbub.store.archive import ArchiveCorrupt, RawArchive, read_archive

DAY = datetime(2026, 10, 1, 15, tzinfo=UTC)


def test_appends_frames_per_source_and_day(tmp_path):
    archive = RawArchive(tmp_path)
    path = archive.append("twitter_v2", [b'{"id":"1"}', b'{"id":"2"}'], DAY)
    archive.append("twitter_v2", [b'{"id":"3","text":"\xe6\x9e\x81\xe5\x85\x89"}'], DAY)
    assert path == tmp_path / "raw" / "twitter_v2" / "2026-10-01.ndjson.zst"
    assert [item["id"] for item in read_archive(path)] == ["1", "2", "3"]
    assert archive.files() == [path]


def test_truncated_last_frame_is_reported_after_the_good_items(tmp_path):
    archive = RawArchive(tmp_path)
    path = archive.append("weibo", [b'{"id":"1"}'], DAY)
    archive.append("weibo", [b'{"id":"%d"}' % i for i in range(2, 500)], DAY)
    data = path.read_bytes()
    path.write_bytes(data[:-20])
    seen = []
    with pytest.raises(ArchiveCorrupt, match=r"damaged|ends inside"):
        for item in read_archive(path):
            seen.append(item["id"])
    assert seen[0] == "1"
