"""`hubbub backup` / `hubbub restore`: a round trip keeps posts, searches, topics and files."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from hubbub.backup import BackupError, create_backup, restore_backup
from hubbub.backup.manifest import MANIFEST_NAME, Manifest
from hubbub.cli.main import app
from hubbub.connectors.cursors import SourceState, StateStore
from hubbub.errors import StoreLocked
from hubbub.store import open_store

from .conftest import hubbub_cli, write_posts

runner = CliRunner()


def hubbub(home: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--home", str(home)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """A workspace with posts, an edited topic, a token, a source cursor and enrichment state."""
    path = tmp_path_factory.mktemp("workspace")
    source = tmp_path_factory.mktemp("files") / "posts.ndjson"
    write_posts(source, 400)
    hubbub(path, "init")
    hubbub(path, "import", str(source))  # with the default enrichers: state/ gets written
    hubbub(path, "topic", "add", "aurora", "aurora OR 极光")
    hubbub(path, "topic", "edit", "aurora", "--query", "aurora AND NOT spam")
    hubbub(path, "token", "create", "--name", "ci", "--role", "viewer")
    StateStore(path).save("news", SourceState(cursor={"since": "2026-10-01T00:00:00Z"}))
    return path


def snapshot(home: Path) -> dict[str, object]:
    """What a user would compare: counts, a search, topic history, tokens, plain files."""
    files = {
        p.relative_to(home).as_posix(): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file()
        and p.relative_to(home).parts[0] in ("connectors", "state", "hubbub.toml", "raw")
    }
    return {
        "stats": hubbub(home, "stats"),
        "search": hubbub(home, "search", "aurora OR nimbus", "--format", "ids", "--limit", "500"),
        "history": hubbub(home, "topic", "history", "aurora"),
        "tokens": hubbub(home, "token", "list"),
        "files": files,
    }


def test_round_trip_keeps_posts_search_topics_tokens_cursors_and_state(home, tmp_path):
    before = snapshot(home)
    assert before["search"] and "aurora AND NOT spam" in str(before["history"])
    assert any(name.startswith("state/") for name in before["files"])  # type: ignore[attr-defined]
    backup = tmp_path / "ws.tar.zst"
    line = hubbub(home, "backup", str(backup))
    assert line.startswith("Backed up 400 posts, 1 topics, 2 topic versions, 1 tokens, 1 sources")
    restored = tmp_path / "restored"
    line = hubbub(restored, "restore", str(backup))
    assert line.startswith("Restored 400 posts") and "checksums verified" in line
    after = snapshot(restored)
    raw = {k for k in before["files"] if k.startswith("raw/")}  # type: ignore[attr-defined]
    assert raw and not any(k.startswith("raw/") for k in after["files"])  # type: ignore[attr-defined]
    expected = dict(before, files={k: v for k, v in before["files"].items() if k not in raw})  # type: ignore[attr-defined]
    assert after == expected


def test_with_archive_brings_the_raw_archive_back(home, tmp_path):
    backup = tmp_path / "ws.tar"
    manifest = create_backup(home, backup, with_archive=True)
    assert manifest.counts["archive_files"] >= 1
    restored = tmp_path / "restored"
    restore_backup(backup, restored)
    for path in (home / "raw").rglob("*.zst"):
        assert (restored / path.relative_to(home)).read_bytes() == path.read_bytes()


def test_restore_refuses_a_non_empty_home_unless_forced(home, tmp_path):
    backup = tmp_path / "ws.tar"
    create_backup(home, backup)
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(BackupError, match=r"not empty.*--force"):
        restore_backup(backup, target)
    assert (target / "notes.txt").exists()
    inside = target / "ws.tar"
    inside.write_bytes(backup.read_bytes())
    with pytest.raises(BackupError, match="inside the home it would replace"):
        restore_backup(inside, target, force=True)
    inside.unlink()
    restore_backup(backup, target, force=True)
    assert not (target / "notes.txt").exists()
    with open_store(target) as store:
        assert store.count() == 400


def damaged_copy(backup: Path, out: Path, member: str) -> None:
    """`backup` with one byte of `member` flipped (a plain tar: the bytes sit unencoded)."""
    data = bytearray(backup.read_bytes())
    with tarfile.open(backup) as tar:
        info = tar.getmember(member)
    data[info.offset_data + info.size // 2] ^= 0xFF
    out.write_bytes(bytes(data))


def test_a_damaged_member_is_refused_and_the_home_left_as_it_was(home, tmp_path):
    backup = tmp_path / "ws.tar"
    create_backup(home, backup)
    bad = tmp_path / "bad.tar"
    damaged_copy(backup, bad, "meta.sqlite3")
    target = tmp_path / "kept"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(BackupError, match=r"meta\.sqlite3 .* does not match its checksum"):
        restore_backup(bad, target, force=True)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert not list(tmp_path.glob(".kept.restore-*"))  # staging cleaned up


def test_a_truncated_backup_is_refused(home, tmp_path):
    backup = tmp_path / "ws.tar.zst"
    create_backup(home, backup)
    cut = tmp_path / "cut.tar.zst"
    cut.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    with pytest.raises(BackupError, match=r"not a readable backup|incomplete"):
        restore_backup(cut, tmp_path / "new")
    assert not (tmp_path / "new").exists()


def hostile_backup(path: Path, member: str) -> None:
    manifest = Manifest("0.1.0", "2026-11-27T00:00:00+00:00", "/x", False)
    manifest.files[member] = {"bytes": 4, "sha256": "0" * 64}
    with tarfile.open(path, "w") as tar:
        for name, data in ((MANIFEST_NAME, manifest.to_bytes()), (member, b"evil")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("member", ["../escaped.txt", "/tmp/absolute.txt"])
def test_members_outside_the_home_are_refused(tmp_path, member):
    backup = tmp_path / "hostile.tar"
    hostile_backup(backup, member)
    with pytest.raises(BackupError, match="not a plain file inside the home"):
        restore_backup(backup, tmp_path / "new")
    assert not (tmp_path / "escaped.txt").exists()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    plain = tmp_path / "plain.tar"
    with tarfile.open(plain, "w") as tar:
        info = tarfile.TarInfo("hello.txt")
        tar.addfile(info, io.BytesIO(b""))
    with pytest.raises(BackupError, match="not a Hubbub backup"):
        restore_backup(plain, tmp_path / "new")
    newer = tmp_path / "newer.tar"
    manifest = orjson.loads(Manifest("9", "t", "/x", False).to_bytes())
    manifest["format_version"] = 99
    with tarfile.open(newer, "w") as tar:
        data = orjson.dumps(manifest)
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="upgrade Hubbub"):
        restore_backup(newer, tmp_path / "new")


def test_backup_needs_the_store_to_itself(home, tmp_path, monkeypatch):
    with open_store(home), pytest.raises(StoreLocked, match="in use by"):
        create_backup(home, tmp_path / "ws.tar")
    assert not (tmp_path / "ws.tar").exists()

    class Server:
        pid = 4242

    monkeypatch.setattr("hubbub.api.server_file.running_server", lambda home: Server())
    with pytest.raises(BackupError, match=r"`hubbub serve` \(pid 4242\) owns the store"):
        create_backup(home, tmp_path / "ws.tar")


def test_the_cli_says_what_is_wrong_in_one_line(tmp_path):
    result = hubbub_cli("restore", str(tmp_path / "missing.tar"), "--home", str(tmp_path / "h"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "does not exist" in result.stderr
    inside = hubbub_cli("backup", str(tmp_path / "h" / "b.tar"), "--home", str(tmp_path / "h"))
    assert inside.returncode == 2 and "holds no Hubbub workspace" in inside.stderr
