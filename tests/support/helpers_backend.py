"""A throwaway helper backend (artifact store + memory log) under a temp folder."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sparkle_motion import adk_helpers
from sparkle_motion.config import load_settings
from sparkle_motion.storage import Database, FilesystemArtifactStore, MemoryLog


@contextlib.contextmanager
def temp_backend(root: Path, store=None) -> Iterator[adk_helpers.HelperBackend]:
    settings = load_settings(
        {"runs_dir": root / "runs", "db_path": root / "s.db", "artifacts_fs_root": root / "art"},
        env={"SPARKLE_DOTENV": ""},
    )
    store = store or FilesystemArtifactStore(root / "art")
    db = Database(root / "s.db")
    with adk_helpers.set_backend(
        adk_helpers.HelperBackend(store, MemoryLog(db), settings)
    ) as backend:
        yield backend
    db.close()
    store.close()
