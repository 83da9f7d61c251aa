"""A full disk (or an I/O error) is one typed error, never a traceback from sqlite3, and it
leaves nothing half-written: no visible partial file, no temp file, no index row, and a
database that still reads.

Two seams make the Nth write fail without a real full disk (storage/faults.py):
`failing_writes(n)` for the store's file writes (fsops.write_all: ENOSPC) and
`failing_db_writes(n)` for database transactions (the commit raises SQLite's own
"database or disk is full"). A real SQLITE_FULL comes from `PRAGMA max_page_count`.
"""

from __future__ import annotations

import errno
import sqlite3

import pytest

from sparkle_motion.errors import (
    ArtifactPublishError,
    DatabaseIOError,
    MemoryWriteError,
    StorageError,
    is_transient,
)
from sparkle_motion.storage import Database, MemoryLog, RecentIndex
from sparkle_motion.storage.fs_maintenance import check
from sparkle_motion.storage.fs_store import FilesystemArtifactStore

PAYLOAD = b"frame" * 300_000  # 1.5 MB: two chunks when copied from a file


def insert(conn, i: int) -> None:
    conn.execute(
        "INSERT INTO memory_events (run_id, timestamp, event_type, payload) VALUES (?, 1, 'e', ?)",
        ("r", "x" * 3000 + str(i)),
    )


def assert_nothing_left(store: FilesystemArtifactStore, run_id: str) -> None:
    assert store.list(run_id, all_versions=True) == []
    assert list((store.root / ".tmp").iterdir()) == []
    assert not (store.root / run_id).exists() or not any(
        p.is_file() for p in (store.root / run_id).rglob("*")
    )
    assert check(store, tmp_grace_s=0).clean


# --------------------------------------------------------------------------- real SQLITE_FULL


def test_a_real_full_database_is_a_typed_error_and_still_reads(tmp_path):
    db = Database(tmp_path / "s.db")
    with db.atomic() as conn:
        insert(conn, 0)
    pages = db.query_one("PRAGMA page_count")[0]
    db.query(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk is full"
    with pytest.raises(DatabaseIOError) as info, db.atomic() as conn:
        for i in range(1, 50):
            insert(conn, i)
    assert "full" in info.value.message and str(tmp_path / "s.db") in info.value.message
    assert not is_transient(info.value)
    assert [r[0] for r in db.query("SELECT count(*) FROM memory_events")] == [1]
    assert db.integrity_check() == "ok"
    with pytest.raises(StorageError):  # MemoryWriteError, typed, not sqlite3
        MemoryLog(db).write("r", "e", {"pad": "x" * 20000})
    with pytest.raises(DatabaseIOError):
        RecentIndex(db).add_or_get("p" * 5000, "artifact+fs://r/" + "a" * 5000)
    db.close()


def test_a_real_full_index_fails_the_publish_typed_and_leaves_nothing(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "root")
    store.publish(run_id="r0", stage="s", name="a.bin", data=b"a")
    pages = store.index.query_one("PRAGMA page_count")[0]
    store.index.query(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(DatabaseIOError) as info:
        for i in range(200):
            store.publish(
                run_id="r1", stage="s", name=f"b{i}.bin", data=b"b", metadata={"pad": "x" * 2000}
            )
    assert str(store.index_path) in info.value.message
    # every publish that returned is whole; the one that failed left no file behind
    rows = store.list("r1", all_versions=True)
    manifests = list((store.root / "r1").rglob("manifest.json"))
    assert len(manifests) == len(rows)
    assert list((store.root / ".tmp").iterdir()) == []
    assert store.index.integrity_check() == "ok"
    assert check(store, tmp_grace_s=0).clean
    store.close()


# --------------------------------------------------------------------------- the seams


@pytest.mark.parametrize("nth", [1, 2, 3])
@pytest.mark.parametrize("source", ["bytes", "file"])
def test_nth_store_write_fails_with_enospc(tmp_path, nth, source):
    from sparkle_motion.storage.faults import failing_writes

    store = FilesystemArtifactStore(tmp_path / "root")
    data = PAYLOAD
    if source == "file":
        data = tmp_path / "in.bin"
        data.write_bytes(PAYLOAD)
    # bytes: 1 = payload, 2 = manifest; file: 1, 2 = payload chunks, 3 = manifest
    if source == "bytes" and nth == 3:
        nth = 2
    with failing_writes(nth) as fault, pytest.raises(ArtifactPublishError) as info:
        store.publish(run_id="r1", stage="s", name="clip.bin", data=data)
    assert fault.failures >= 1
    assert info.value.context.get("errno") == errno.ENOSPC
    assert "No space left on device" in info.value.message
    assert not is_transient(info.value)
    assert_nothing_left(store, "r1")
    ref = store.publish(run_id="r1", stage="s", name="clip.bin", data=data)  # disk freed
    assert store.read_bytes(ref.uri) == PAYLOAD
    store.close()


@pytest.mark.parametrize("nth", [1, 2, 3])
def test_nth_database_write_fails_typed_and_the_database_still_reads(tmp_path, nth):
    from sparkle_motion.storage.faults import failing_db_writes

    db = Database(tmp_path / "s.db")
    log = MemoryLog(db)
    written = []
    with failing_db_writes(nth) as fault, pytest.raises(MemoryWriteError) as info:
        for i in range(10):
            written.append(log.write("r", "e", {"i": i}))
    assert fault.failures == 1 and len(written) == nth - 1
    assert isinstance(info.value.__cause__, DatabaseIOError)
    assert "disk is full" in info.value.message and not is_transient(info.value)
    assert [e.id for e in log.list("r")] == written
    assert db.integrity_check() == "ok"
    assert log.write("r", "e", {"after": True}) > max(written, default=0)
    db.close()


def test_database_write_fault_in_a_raw_transaction_is_typed(tmp_path):
    from sparkle_motion.storage.faults import failing_db_writes

    db = Database(tmp_path / "s.db")
    with (
        failing_db_writes(1, message="disk I/O error"),
        pytest.raises(DatabaseIOError),
        db.atomic() as conn,
    ):
        insert(conn, 1)
    assert db.query_one("SELECT count(*) FROM memory_events")[0] == 0
    assert not db._conn.in_transaction
    with db.atomic() as conn:
        insert(conn, 2)
    db.close()


def test_index_write_fault_fails_the_publish_typed_and_leaves_nothing(tmp_path):
    from sparkle_motion.storage.faults import failing_db_writes

    store = FilesystemArtifactStore(tmp_path / "root")
    with failing_db_writes(1), pytest.raises(StorageError) as info:
        store.publish(run_id="r1", stage="s", name="clip.bin", data=PAYLOAD)
    assert isinstance(info.value, DatabaseIOError)
    assert str(store.index_path) in info.value.message
    assert_nothing_left(store, "r1")
    store.close()


def test_seams_are_off_outside_their_block(tmp_path):
    from sparkle_motion.storage import db as db_module
    from sparkle_motion.storage import fsops
    from sparkle_motion.storage.faults import failing_db_writes, failing_writes

    with failing_writes(1), failing_db_writes(1):
        pass
    assert fsops.write_hook is None and db_module.commit_hook is None
    with sqlite3.connect(":memory:"):
        pass


# --------------------------------------------------------------------------- a real write(2) failing

CHILD = r"""
import json, resource, signal, sys
from pathlib import Path
from sparkle_motion.errors import SparkleMotionError
from sparkle_motion.storage import Database, MemoryLog
from sparkle_motion.storage.fs_store import FilesystemArtifactStore

tmp = Path(sys.argv[1])
store = FilesystemArtifactStore(tmp / "root")
log = MemoryLog(Database(tmp / "s.db"))
store.publish(run_id="r0", stage="s", name="small.bin", data=b"small")
log.write("r0", "e", {"small": True})
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write(2) then fails with EFBIG
limit = 256 * 1024
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
seen = {}
for what, call in [
    ("publish", lambda: store.publish(run_id="r1", stage="s", name="big.bin", data=b"x" * 2 * limit)),
    ("memory", lambda: log.write("r1", "e", {"pad": "y" * 2 * limit})),
]:
    try:
        call()
        seen[what] = None
    except SparkleMotionError as exc:
        cause = exc.__cause__
        seen[what] = [type(exc).__name__, type(cause).__name__ if cause else None, exc.context.get("errno")]
print(json.dumps(seen))
"""


def test_a_write_the_os_refuses_is_typed_in_a_child(tmp_path):
    import json
    import subprocess
    import sys

    pytest.importorskip("resource")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    seen = json.loads(done.stdout)
    assert seen["publish"] == ["ArtifactPublishError", "OSError", errno.EFBIG]
    assert seen["memory"][:2] == ["MemoryWriteError", "DatabaseIOError"]
    store = FilesystemArtifactStore(tmp_path / "root")
    assert_nothing_left(store, "r1")
    assert [r.name for r in store.list("r0")] == ["small.bin"]
    store.close()
    with Database(tmp_path / "s.db") as db:
        assert db.integrity_check() == "ok"
        assert [e.run_id for e in MemoryLog(db).list()] == ["r0"]
