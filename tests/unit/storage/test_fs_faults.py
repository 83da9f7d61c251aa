"""Fault injection: every I/O step of a publish fails in turn. Whatever fails, the artifact
is wholly absent (no row, no files left visible) or wholly present with its checksum;
never a row without its file. A crash at each step (no cleanup runs) leaves at most
orphan files, which check() reports and repair() removes, or, once both renames are done,
a complete version folder with its manifest, which repair() re-indexes after checking the
payload against the manifest (the rule that also rebuilds a lost index)."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import pytest

from sparkle_motion.errors import ArtifactPublishError
from sparkle_motion.storage import fsops
from sparkle_motion.storage.fs_maintenance import check, repair
from sparkle_motion.storage.fs_store import FilesystemArtifactStore

PAYLOAD = b"keyframe-bytes" * 1000
# (operation, which call fails): the payload and manifest writes, their fsyncs, their two
# renames, the fsync of the first new folder's parent, the fsync of the final folder, and
# the index insert.
STEPS = [
    ("write_all", 0),
    ("write_all", 1),
    ("fsync", 0),
    ("fsync", 1),
    ("rename", 0),
    ("rename", 1),
    ("fsync_dir", 0),
    ("fsync_dir", "final"),
    ("insert", 0),
]


class Crash(BaseException):
    """Stands for the process dying: not caught by the store, so no cleanup runs."""


def inject(monkeypatch, store, op, nth, exc):
    if op == "insert":

        def failing(*args, **kwargs):
            raise exc

        monkeypatch.setattr(store, "_insert_row", failing)
        return
    original = getattr(fsops, op)
    calls = itertools.count()

    def wrapper(*args, **kwargs):
        i = next(calls)
        if i == nth or (nth == "final" and Path(args[0]).name.startswith("v0-")):
            raise exc
        return original(*args, **kwargs)

    monkeypatch.setattr(fsops, op, wrapper)


@pytest.fixture
def store(tmp_path):
    s = FilesystemArtifactStore(tmp_path / "root")
    yield s
    s.close()


def files_of(store, artifact_id):
    return [p for p in store.root.rglob("*") if artifact_id in p.parts and p.is_file()]


@pytest.mark.parametrize(("op", "nth"), STEPS)
def test_oserror_at_each_step_leaves_nothing(store, monkeypatch, op, nth):
    keep = store.publish(run_id="run1", stage="base_images", name="keep.png", data=b"keep")
    inject(monkeypatch, store, op, nth, OSError(28, "No space left on device"))
    with pytest.raises(ArtifactPublishError, match="No space left"):
        store.publish(
            run_id="run1", stage="base_images", name="kf.png", data=PAYLOAD, artifact_id="kf-1"
        )
    monkeypatch.undo()
    assert [r.uri for r in store.list("run1")] == [keep.uri]
    assert store.index.query("SELECT * FROM artifacts WHERE artifact_id = 'kf-1'") == []
    assert files_of(store, "kf-1") == []
    assert check(store, tmp_grace_s=0).clean
    assert store.read_bytes(keep.uri) == b"keep"
    again = store.publish(
        run_id="run1", stage="base_images", name="kf.png", data=PAYLOAD, artifact_id="kf-1"
    )
    assert again.version == 0 and store.read_bytes(again.uri) == PAYLOAD


AFTER_BOTH_RENAMES = {("fsync_dir", "final"), ("insert", 0)}


@pytest.mark.parametrize(("op", "nth"), STEPS)
def test_crash_at_each_step_leaves_orphans_or_a_whole_version(store, monkeypatch, op, nth):
    inject(monkeypatch, store, op, nth, Crash())
    with pytest.raises(Crash):
        store.publish(
            run_id="run1", stage="base_images", name="kf.png", data=PAYLOAD, artifact_id="kf-1"
        )
    monkeypatch.undo()
    rows = store.index.query("SELECT * FROM artifacts")
    assert rows == []  # wholly absent: the row never commits without durable files
    report = check(store, tmp_grace_s=0)
    assert report.dangling == []
    whole = (op, nth) in AFTER_BOTH_RENAMES
    assert len(report.unindexed) == (1 if whole else 0)
    result = repair(store, report)
    assert result.rows_restored == (1 if whole else 0)
    assert check(store, tmp_grace_s=0).clean
    left = [p for p in store.root.rglob("*") if p.is_file() and "index.db" not in p.name]
    assert sorted(p.name for p in left) == (["kf.png", "manifest.json"] if whole else [])
    if whole:
        assert store.read_bytes("artifact+fs://run1/kf-1?version=0") == PAYLOAD
    ref = store.publish(
        run_id="run1", stage="base_images", name="kf.png", data=PAYLOAD, artifact_id="kf-1"
    )
    assert ref.version == (1 if whole else 0)
    assert ref.checksum_sha256 == hashlib.sha256(PAYLOAD).hexdigest()
    assert store.read_bytes(ref.uri) == PAYLOAD


def test_every_step_was_actually_exercised(store, monkeypatch):
    """Guard against a fault point that publish never reaches (a test that cannot fail)."""
    counts: dict[str, int] = {}
    for op in ("write_all", "fsync", "rename", "fsync_dir"):
        original = getattr(fsops, op)

        def counting(*args, _op=op, _orig=original, **kwargs):
            counts[_op] = counts.get(_op, 0) + 1
            return _orig(*args, **kwargs)

        monkeypatch.setattr(fsops, op, counting)
    store.publish(run_id="run1", stage="base_images", name="kf.png", data=PAYLOAD)
    assert counts["write_all"] == 2 and counts["fsync"] == 2 and counts["rename"] == 2
    assert counts["fsync_dir"] >= 2
