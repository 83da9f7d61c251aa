"""RecentIndex: perceptual hash -> the canonical URI of the first artifact seen with it
(seed table `recent_index`), so a duplicate keyframe can reuse an earlier render."""

from __future__ import annotations

import time
from collections.abc import Callable

from .db import Database


class RecentIndex:
    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock

    def _now(self) -> int:
        return int(self._clock())

    def get_canonical(self, phash: str) -> str | None:
        row = self.db.query_one("SELECT canonical_uri FROM recent_index WHERE phash = ?", (phash,))
        return None if row is None else str(row[0])

    def add_or_get(self, phash: str, uri: str) -> str:
        """Record `uri` for `phash` unless one is known; returns the canonical URI and
        counts the hit. Atomic: two callers racing on one hash agree on one URI."""
        with self.db.atomic() as conn:
            row = conn.execute(
                "INSERT INTO recent_index (phash, canonical_uri, last_seen, hit_count) VALUES (?, ?, ?, 1) "
                "ON CONFLICT(phash) DO UPDATE SET last_seen = excluded.last_seen, hit_count = hit_count + 1 "
                "RETURNING canonical_uri",
                (phash, uri, self._now()),
            ).fetchone()
            return str(row[0])

    def touch(self, phash: str, uri: str) -> None:
        """Mark `phash` as seen now (adding it with `uri` if unknown)."""
        self.add_or_get(phash, uri)

    def prune(self, max_age_s: int, max_entries: int) -> int:
        """Drop entries unseen for `max_age_s`, then all but the `max_entries` most recently
        seen. Returns how many were removed."""
        if max_age_s < 0 or max_entries < 0:
            raise ValueError("max_age_s and max_entries must be >= 0")
        with self.db.atomic() as conn:
            old = conn.execute(
                "DELETE FROM recent_index WHERE last_seen < ?", (self._now() - max_age_s,)
            ).rowcount
            extra = conn.execute(
                "DELETE FROM recent_index WHERE id NOT IN "
                "(SELECT id FROM recent_index ORDER BY last_seen DESC, id DESC LIMIT ?)",
                (max_entries,),
            ).rowcount
        return old + extra

    def __len__(self) -> int:
        row = self.db.query_one("SELECT COUNT(*) FROM recent_index")
        return int(row[0]) if row is not None else 0
