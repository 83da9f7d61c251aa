"""The perceptual index's retention, run by `sparkle-motion artifacts prune` after the
artifacts' own: entries whose artifact is gone (pruned, deleted), then entries unseen for
longer than the prune's age, then all but the `SPARKLE_PHASH_INDEX_MAX_ENTRIES` most
recently seen."""

from __future__ import annotations

from dataclasses import dataclass

from ..storage.base import ArtifactStore, holds
from ..storage.db import Database
from ..storage.recent_index import RecentIndex
from ..storage.uris import FS_SCHEME

NO_AGE_LIMIT = 2**40  # seconds: an age limit no entry reaches


@dataclass(frozen=True)
class IndexPrune:
    gone: int  # entries whose artifact is no longer stored
    retention: int  # entries past the age or over the count
    kept: int

    @property
    def removed(self) -> int:
        return self.gone + self.retention


class _DryRun(Exception):
    """Raised inside the transaction of a dry run: everything it did is rolled back."""


def prune_index(
    db: Database,
    store: ArtifactStore,
    *,
    max_age_s: float | None,
    max_entries: int,
    dry_run: bool = False,
) -> IndexPrune:
    """Prune the index of `db` against `store` (with `dry_run`: count, change nothing).
    Only entries naming this store's URIs (artifact+fs://) are checked for their artifact;
    the age and count limits apply to every entry."""
    index = RecentIndex(db)
    gone = [u for u in index.uris() if u.startswith(f"{FS_SCHEME}://") and not holds(store, u)]
    age = NO_AGE_LIMIT if max_age_s is None else int(max_age_s)
    result = IndexPrune(0, 0, len(index))
    try:
        with db.atomic():
            removed_gone = index.remove_uris(gone)
            removed_old = index.prune(age, max_entries)
            result = IndexPrune(removed_gone, removed_old, len(index))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result
