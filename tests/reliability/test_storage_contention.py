"""Maintenance must not starve running work.

`artifacts check --verify` used to hold the index's write lock for its whole scan (44 s
on a large root): a publisher waited out its busy timeout, got "database is locked" as a
permanent ArtifactPublishError, and every step of a running run failed. Now the scan
reads rows in one read snapshot and hashes files outside any lock; and a database that
stays locked is a transient StorageBusyError, which the engine's retry retries.
"""

from __future__ import annotations

import pickle
import sqlite3
import threading
import time

import pytest

from sparkle_motion.errors import (
    ArtifactPublishError,
    MemoryWriteError,
    StorageBusyError,
    StorageError,
    is_transient,
)
from sparkle_motion.storage import Database, MemoryLog, fs_maintenance
from sparkle_motion.storage.fs_maintenance import check
from sparkle_motion.storage.fs_store import FilesystemArtifactStore

SCAN_DELAY_S = 0.4
FILES = 6  # the verified scan takes FILES * SCAN_DELAY_S = 2.4 s


def short_timeout(store: FilesystemArtifactStore, seconds: float) -> FilesystemArtifactStore:
    store.index._conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    return store


@pytest.fixture
def root(tmp_path):
    return tmp_path / "root"


@pytest.fixture
def slow_hash(monkeypatch):
    """A verified scan that takes seconds: each payload's hash sleeps first."""
    original = fs_maintenance.sha256_file
    started = threading.Event()

    def slow(path):
        started.set()
        time.sleep(SCAN_DELAY_S)
        return original(path)

    monkeypatch.setattr(fs_maintenance, "sha256_file", slow)
    return started


def seed(root) -> list[str]:
    store = FilesystemArtifactStore(root)
    uris = [
        store.publish(run_id="old", stage="video", name=f"c{i}.mp4", data=b"x" * 1000).uri
        for i in range(FILES)
    ]
    store.close()
    return uris


@pytest.mark.parametrize("same_store", [False, True], ids=["other-process", "same-store"])
def test_publish_during_a_long_verified_check_succeeds_at_once(root, slow_hash, same_store):
    seed(root)
    maintenance = FilesystemArtifactStore(root)
    # another process (its own connection, a 0.5 s busy timeout), or a thread of this one
    publisher = maintenance if same_store else short_timeout(FilesystemArtifactStore(root), 0.5)
    result: dict[str, object] = {}

    def scan() -> None:
        result["report"] = check(maintenance, verify=True)

    thread = threading.Thread(target=scan)
    thread.start()
    try:
        assert slow_hash.wait(10), "the scan never started hashing"
        t0 = time.monotonic()
        ref = publisher.publish(run_id="live", stage="video", name="new.mp4", data=b"new")
        waited = time.monotonic() - t0
        assert thread.is_alive(), "the check should still be hashing"
        assert waited < FILES * SCAN_DELAY_S / 2, f"publish waited {waited:.1f} s for the scan"
        assert publisher.read_bytes(ref.uri) == b"new"
    finally:
        thread.join()
        if publisher is not maintenance:
            publisher.close()
    report = result["report"]
    assert report.clean, report  # the live publish is neither an orphan nor dangling
    maintenance.close()


def test_a_locked_index_is_a_transient_storage_busy_error_and_leaves_nothing(root):
    store = short_timeout(FilesystemArtifactStore(root), 0.2)
    holder = sqlite3.connect(store.index_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StorageBusyError) as info:
            store.publish(run_id="r1", stage="s", name="a.bin", data=b"a")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    exc = info.value
    assert is_transient(exc) and is_transient(pickle.loads(pickle.dumps(exc)))
    assert isinstance(exc, StorageError) and not isinstance(exc, ArtifactPublishError)
    assert str(store.index_path) in exc.message
    assert list((store.root / ".tmp").iterdir()) == []
    assert store.list("r1") == []
    # the engine retries a transient error: the retry succeeds once the lock is gone
    ref = store.publish(run_id="r1", stage="s", name="a.bin", data=b"a")
    assert store.read_bytes(ref.uri) == b"a"
    store.close()


def test_busy_database_is_transient_for_every_writer(tmp_path):
    Database(tmp_path / "s.db").close()
    db = Database(tmp_path / "s.db", timeout_s=0.2)
    holder = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageBusyError), db.atomic():
            pass
        with pytest.raises(MemoryWriteError) as info:
            MemoryLog(db).write("r1", "x", {})
        assert is_transient(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert MemoryLog(db).write("r1", "x", {}) > 0
    db.close()


def test_permanent_errors_stay_permanent():
    assert not is_transient(ArtifactPublishError("disk full"))
    assert not is_transient(StorageError("x"))
    assert not is_transient(RuntimeError("x"))
