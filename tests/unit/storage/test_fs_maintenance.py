from __future__ import annotations

import logging

import pytest

from sparkle_motion.storage.fs_maintenance import check, prune, repair, startup_scan
from sparkle_motion.storage.fs_store import FilesystemArtifactStore


@pytest.fixture
def store(tmp_path):
    s = FilesystemArtifactStore(tmp_path / "root")
    yield s
    s.close()


def plant(store):
    """One good artifact, one orphan file, one dangling row, one stale temp file."""
    good = store.publish(run_id="run1", stage="video", name="good.mp4", data=b"good")
    gone = store.publish(run_id="run1", stage="video", name="gone.mp4", data=b"gone")
    store.local_path(gone.uri).unlink()
    orphan = store.root / "run1" / "video" / "stray" / "v0" / "stray.mp4"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"half-written")
    temp = store.root / ".tmp" / "dead.part"
    temp.write_bytes(b"x")
    return good, gone, orphan, temp


def test_check_reports_orphans_and_dangling_rows(store):
    _good, gone, orphan, temp = plant(store)
    report = check(store, tmp_grace_s=0)
    assert [d.uri for d in report.dangling] == [gone.uri]
    assert report.dangling[0].missing == ("gone.mp4",)
    assert set(report.orphans) == {orphan, temp}
    assert not report.clean
    assert check(store).orphans == [orphan]  # a fresh temp file may be a publish in flight


def test_repair_fixes_both_and_keeps_good_data(store):
    good, _gone, orphan, _temp = plant(store)
    result = repair(store, check(store, tmp_grace_s=0))
    assert (result.rows_removed, result.files_removed) == (1, 3)  # + the dangling row's manifest
    assert check(store, tmp_grace_s=0).clean
    assert store.read_bytes(good.uri) == b"good"
    assert not orphan.exists() and not orphan.parent.exists()
    assert [r.uri for r in store.list("run1")] == [good.uri]


def test_verify_finds_corrupt_payloads_but_repair_keeps_them(store):
    ref = store.publish(run_id="run1", stage="s", name="a.bin", data=b"abc")
    store.local_path(ref.uri, verify=False).write_bytes(b"abd")
    report = check(store, verify=True)
    assert report.corrupt == [ref.uri]
    repair(store, report)
    assert store.local_path(ref.uri, verify=False).exists()


def test_startup_scan_logs(store, caplog):
    plant(store)
    with caplog.at_level(logging.WARNING):
        startup_scan(store)
    assert "1 dangling index row(s), 1 orphan file(s)" in caplog.text


def test_prune_by_age_and_by_bytes(store):
    old = store.publish(run_id="run1", stage="s", name="old.bin", data=b"o" * 100)
    mid = store.publish(run_id="run1", stage="s", name="mid.bin", data=b"m" * 100)
    new = store.publish(run_id="run2", stage="s", name="new.bin", data=b"n" * 100)
    store.index.query(
        "UPDATE artifacts SET created_at = 1000 WHERE artifact_id = ?", (old.artifact_id,)
    )
    store.index.query(
        "UPDATE artifacts SET created_at = 2000 WHERE artifact_id = ?", (mid.artifact_id,)
    )
    store.index.query(
        "UPDATE artifacts SET created_at = 3000 WHERE artifact_id = ?", (new.artifact_id,)
    )
    would = prune(store, older_than_s=1500, now=3100, dry_run=True)
    assert [r.uri for r in would] == [old.uri] and store.read_bytes(old.uri)  # still there
    removed = prune(store, older_than_s=1500, now=3100)
    assert removed == would
    removed = prune(store, max_bytes=150)
    assert [r.uri for r in removed] == [mid.uri]
    assert [r.uri for r in store.list("run2")] == [new.uri] and store.list("run1") == []
    assert check(store).clean
    assert prune(store, max_bytes=10_000) == []
    with pytest.raises(ValueError):
        prune(store, older_than_s=-1)


def test_files_outside_the_layout_are_never_touched(tmp_path):
    """The database may live inside the artifact root (ARTIFACTS_DIR=artifacts): repair
    must not take it, nor anything else that is not the store's."""
    from sparkle_motion.storage import Database

    store = FilesystemArtifactStore(tmp_path / "artifacts")
    db = Database(store.root / "sparkle.db")
    notes = store.root / "run1" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("keep me")
    report = check(store, tmp_grace_s=0)
    assert report.clean and store.root / "sparkle.db" in report.foreign and notes in report.foreign
    repair(store, report)
    assert notes.read_text() == "keep me" and db.integrity_check() == "ok"
    db.close()
    store.close()


def test_version_folders_are_never_reused(store):
    first = store.publish(run_id="run1", stage="s", name="a.bin", data=b"one", artifact_id="a")
    folder = store.local_path(first.uri).parent
    store.delete(first.uri)
    again = store.publish(run_id="run1", stage="s", name="a.bin", data=b"two", artifact_id="a")
    assert again.version == 0 and store.local_path(again.uri).parent != folder
    assert store.read_bytes(again.uri) == b"two"
