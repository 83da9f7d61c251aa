"""RecentIndex: perceptual hash -> the canonical URI of the first artifact seen with it
(seed table `recent_index`), so a duplicate keyframe can reuse an earlier render.

The seed API (`get_canonical`, `add_or_get`, `touch`, `prune`) takes the hash as text. The
perceptual dedupe (sparkle_motion.dedupe) adds rows with a 64-bit pHash (16 hex digits)
and what made the image (`Entry`), and asks `near(phash, k)` for the rows within Hamming
distance k. A 64-bit hash is stored as four 16-bit bands, each an indexed column: two
hashes within k bits agree within r = k // 4 bits on at least one band (else they would
differ in at least 4(r + 1) > k bits), so `near` probes each band with the values within
r bits of the query's band (1, 17, 137 or 697 of them) and checks only those rows.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

from .db import Database

BANDS = 4
BAND_BITS = 16
MAX_DISTANCE = 15  # r = 3: 697 probes a band; beyond that a band index no longer narrows
_FIELDS = ("kind", "adapter", "model_id", "run_id", "step_id", "keyframe", "width", "height")
_COLUMNS = "id, phash, canonical_uri, last_seen, hit_count, " + ", ".join(_FIELDS)


def parse_phash(phash: str) -> int | None:
    """The 64-bit value of a 16-hex-digit hash; None for any other text."""
    if len(phash) != 16:
        return None
    try:
        return int(phash, 16)
    except ValueError:
        return None


def format_phash(value: int) -> str:
    return f"{value:016x}"


def bands(value: int) -> tuple[int, ...]:
    """The four 16-bit bands of a 64-bit hash, most significant first."""
    mask = (1 << BAND_BITS) - 1
    return tuple((value >> (BAND_BITS * (BANDS - 1 - i))) & mask for i in range(BANDS))


def _within(value: int, radius: int) -> list[int]:
    """Every 16-bit value within `radius` bits of `value`."""
    found = [value]
    for r in range(1, radius + 1):
        for bits in combinations(range(BAND_BITS), r):
            flipped = value
            for b in bits:
                flipped ^= 1 << b
            found.append(flipped)
    return found


@dataclass(frozen=True)
class Entry:
    """An indexed image: its hash, the artifact it belongs to, and what made it. `kind`:
    keyframe, clip_first or clip_last (a clip's first and last frames point at the clip)."""

    phash: str
    uri: str
    kind: str
    adapter: str | None = None
    model_id: str | None = None
    run_id: str | None = None
    step_id: str | None = None
    keyframe: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Near:
    entry: Entry
    distance: int
    row_id: int
    last_seen: int
    hit_count: int


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
        return self.add(Entry(phash=phash, uri=uri, kind="")).entry.uri

    def touch(self, phash: str, uri: str) -> None:
        """Mark `phash` as seen now (adding it with `uri` if unknown)."""
        self.add_or_get(phash, uri)

    def add(self, entry: Entry) -> Near:
        """Index `entry` unless its exact hash is known already (the first image seen with a
        hash stays canonical: the seed's rule); either way the row is marked seen now and
        its hit counted. Returns the row in force (distance 0 from `entry`)."""
        value = parse_phash(entry.phash)
        split: tuple[int | None, ...] = bands(value) if value is not None else (None,) * BANDS
        with self.db.atomic() as conn:
            conn.execute(
                "INSERT INTO recent_index (phash, canonical_uri, last_seen, hit_count, "
                "band0, band1, band2, band3, " + ", ".join(_FIELDS) + ") "
                "VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(phash) DO UPDATE SET last_seen = excluded.last_seen, "
                "hit_count = hit_count + 1",
                (
                    entry.phash,
                    entry.uri,
                    self._now(),
                    *split,
                    *self._fields(entry),
                ),
            )
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM recent_index WHERE phash = ?", (entry.phash,)
            ).fetchone()
        return self._near(row, 0)

    def replace(self, entry: Entry) -> None:
        """Point the row of `entry.phash` at `entry` (its canonical artifact is gone)."""
        with self.db.atomic() as conn:
            conn.execute(
                "UPDATE recent_index SET canonical_uri = ?, last_seen = ?, "
                + ", ".join(f"{f} = ?" for f in _FIELDS)
                + " WHERE phash = ?",
                (entry.uri, self._now(), *self._fields(entry), entry.phash),
            )

    def near(self, phash: str, max_distance: int) -> list[Near]:
        """The indexed 64-bit hashes within `max_distance` bits of `phash`, nearest first
        (then oldest). Rows without bands (the seed API's free-text hashes) never match."""
        value = parse_phash(phash)
        if value is None:
            raise ValueError(f"phash: expected 16 hex digits, got {phash!r}")
        if not 0 <= max_distance <= MAX_DISTANCE:
            raise ValueError(f"max_distance must be within 0..{MAX_DISTANCE}, got {max_distance}")
        radius = max_distance // BANDS
        probes = [_within(b, radius) for b in bands(value)]
        # the candidates' ids and hashes only (a row matching on several bands comes back
        # once a band); the whole rows of those within the distance after
        sql = " UNION ALL ".join(
            f"SELECT id, phash FROM recent_index WHERE band{i} IN ({', '.join('?' * len(values))})"
            for i, values in enumerate(probes)
        )
        distances: dict[int, int] = {}
        for row_id, text in self.db.query(sql, [v for values in probes for v in values]):
            if row_id not in distances:
                distances[row_id] = (int(text, 16) ^ value).bit_count()
        hits = [i for i, d in distances.items() if d <= max_distance]
        if not hits:
            return []
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM recent_index WHERE id IN ({', '.join('?' * len(hits))})",
            hits,
        )
        found = [self._near(row, distances[int(row["id"])]) for row in rows]
        found.sort(key=lambda n: (n.distance, n.row_id))
        return found

    def uris(self) -> Iterator[str]:
        """Every canonical URI in the index (each once)."""
        for row in self.db.query("SELECT DISTINCT canonical_uri FROM recent_index"):
            yield str(row[0])

    def remove_uris(self, uris: Iterable[str]) -> int:
        """Drop the rows pointing at `uris` (artifacts that are gone); how many went."""
        removed = 0
        with self.db.atomic() as conn:
            for uri in uris:
                removed += conn.execute(
                    "DELETE FROM recent_index WHERE canonical_uri = ?", (uri,)
                ).rowcount
        return removed

    def prunable(self, max_age_s: int | None, max_entries: int | None) -> int:
        """How many rows `prune(max_age_s, max_entries)` would remove."""
        total = len(self)
        old = 0
        if max_age_s is not None:
            row = self.db.query_one(
                "SELECT COUNT(*) FROM recent_index WHERE last_seen < ?", (self._now() - max_age_s,)
            )
            old = int(row[0]) if row is not None else 0
        extra = max(0, total - old - max_entries) if max_entries is not None else 0
        return old + extra

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

    @staticmethod
    def _fields(entry: Entry) -> list[object]:
        values: list[object] = [getattr(entry, f) for f in _FIELDS]
        values[0] = values[0] or None  # the seed API's rows have no kind
        return values

    @staticmethod
    def _near(row: sqlite3.Row, distance: int) -> Near:
        entry = Entry(
            phash=str(row["phash"]),
            uri=str(row["canonical_uri"]),
            kind=str(row["kind"] or ""),
            **{f: row[f] for f in _FIELDS[1:]},
        )
        return Near(entry, distance, int(row["id"]), int(row["last_seen"]), int(row["hit_count"]))
