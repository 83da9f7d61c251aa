"""The perceptual index's retention: entries whose artifact is gone, then age, then count;
a dry run changes nothing. And `artifacts prune` runs it after the artifacts' own."""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from sparkle_motion.cli import app
from sparkle_motion.dedupe.prune import prune_index
from sparkle_motion.storage import Database, FilesystemArtifactStore, RecentIndex
from sparkle_motion.storage.recent_index import Entry, format_phash


@pytest.fixture
def state(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "art")
    db = Database(tmp_path / "s.db")
    refs = [
        store.publish(run_id="run1", stage="base_images", name=f"kf{i}.png", data=b"png%d" % i)
        for i in range(3)
    ]
    index = RecentIndex(db, clock=lambda: 1000.0)
    for i, ref in enumerate(refs):
        index.add(Entry(format_phash(i << 40), ref.uri, "keyframe"))
    index.add(Entry(format_phash(7), "artifact://elsewhere/x", "keyframe"))  # not this store's
    yield store, db, refs
    db.close()
    store.close()


def test_gone_then_age_then_count_and_a_dry_run_changes_nothing(state):
    store, db, refs = state
    store.delete(refs[0].uri)
    dry = prune_index(db, store, max_age_s=None, max_entries=10, dry_run=True)
    assert (dry.gone, dry.retention, dry.kept) == (1, 0, 3) and len(RecentIndex(db)) == 4
    done = prune_index(db, store, max_age_s=None, max_entries=2)
    assert (done.gone, done.retention, done.kept, done.removed) == (1, 1, 2, 2)
    assert prune_index(db, store, max_age_s=60, max_entries=10).retention == 2  # seen at 1000


def test_artifacts_prune_prunes_the_index_too(tmp_path):
    env = {
        "SPARKLE_DOTENV": "",
        "ARTIFACTS_FS_ROOT": str(tmp_path / "art"),
        "SPARKLE_DB_PATH": str(tmp_path / "s.db"),
        "SPARKLE_PHASH_INDEX_MAX_ENTRIES": "5",
    }
    runner = CliRunner()
    before = runner.invoke(app, ["artifacts", "prune", "--older-than", "1d"], env=env)
    assert "perceptual" not in before.output  # no database yet: none is made
    assert not (tmp_path / "s.db").exists()
    store = FilesystemArtifactStore(tmp_path / "art")
    ref = store.publish(run_id="run1", stage="base_images", name="kf.png", data=b"png")
    store.close()
    with Database(tmp_path / "s.db") as db:
        RecentIndex(db).add(Entry(format_phash(1), ref.uri, "keyframe"))
        three_days_ago = RecentIndex(db, clock=lambda: time.time() - 3 * 86400)
        three_days_ago.add(Entry(format_phash(2), "artifact+fs://run0/old", "keyframe"))
    result = runner.invoke(app, ["artifacts", "prune", "--older-than", "2d", "--dry-run"], env=env)
    assert result.exit_code == 0, result.output
    assert (
        "would remove 1 perceptual index entry (1 whose artifact is gone, 0 by age or count; "
        "1 kept)" in result.output
    )
    result = runner.invoke(app, ["artifacts", "prune", "--max-bytes", "0"], env=env)
    assert "removed 1 version(s)" in result.output
    assert "removed 2 perceptual index entries (2 whose artifact is gone" in result.output
    listed = runner.invoke(app, ["artifacts", "list", "run1", "--json"], env=env).output
    assert json.loads(listed) == []
