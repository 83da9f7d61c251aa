"""How fast RecentIndex finds the near-duplicates of a pHash (goal: p95 under 5 ms at
100,000 entries), at each Hamming distance k the setting allows.

Two populations of 64-bit hashes in a scratch database: uniform random, and clustered
like real pHashes (1,000 centres with 32 bits set, 100 variants each, 0-12 bits flipped:
many entries share bands, the band index's worst case). Each lookup is `near(hash, k)`
for a hash near an entry (a variant of one, 0-k bits away) or a random one, alternately;
300 lookups per row, after 20 to warm the page cache.

    .venv/bin/python benchmarks/recent_index_lookup.py [--entries 100000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sparkle_motion.storage import Database, RecentIndex
from sparkle_motion.storage.recent_index import bands, format_phash

KS = (0, 4, 6, 8, 11)
LOOKUPS, WARM = 300, 20
GOAL_MS = 5.0


def flip(value: int, count: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), count):
        value ^= 1 << bit
    return value


def uniform(n: int, rng: random.Random) -> list[int]:
    found: dict[int, None] = {}
    while len(found) < n:
        found[rng.getrandbits(64)] = None
    return list(found)


def clustered(n: int, rng: random.Random) -> list[int]:
    centres = [sum(1 << b for b in rng.sample(range(64), 32)) for _ in range(max(1, n // 100))]
    found: dict[int, None] = {}
    while len(found) < n:
        found[flip(centres[len(found) % len(centres)], rng.randint(0, 12), rng)] = None
    return list(found)


def fill(db: Database, values: list[int]) -> int:
    """The rows RecentIndex.add writes, in one transaction; how many distinct hashes."""
    with db.atomic() as conn:
        conn.executemany(
            "INSERT OR IGNORE INTO recent_index (phash, canonical_uri, last_seen, band0, band1, "
            "band2, band3, kind, adapter) VALUES (?, ?, 0, ?, ?, ?, ?, 'keyframe', 'bench')",
            [
                (format_phash(v), f"artifact+fs://bench/kf-{i}", *bands(v))
                for i, v in enumerate(values)
            ],
        )
    return len(RecentIndex(db))


def lookups(index: RecentIndex, values: list[int], k: int, rng: random.Random) -> list[float]:
    times = []
    for n in range(WARM + LOOKUPS):
        query = flip(rng.choice(values), rng.randint(0, k), rng) if n % 2 else rng.getrandbits(64)
        start = time.perf_counter()
        index.near(format_phash(query), k)
        if n >= WARM:
            times.append((time.perf_counter() - start) * 1000)
    return sorted(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args(argv)
    rng = random.Random(0)
    worst = 0.0
    print(f"{'population':<10} {'entries':>8} {'k':>3} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for name, make in (("uniform", uniform), ("clustered", clustered)):
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(Path(tmp) / "index.db")
            try:
                values = make(args.entries, rng)
                count = fill(db, values)
                index = RecentIndex(db)
                for k in KS:
                    times = lookups(index, values, k, rng)
                    p95 = times[int(0.95 * len(times)) - 1]
                    worst = max(worst, p95)
                    print(
                        f"{name:<10} {count:>8} {k:>3} {statistics.median(times):>7.2f} "
                        f"{p95:>7.2f} {times[-1]:>7.2f}"
                    )
            finally:
                db.close()
    verdict = "met" if worst < GOAL_MS else "NOT met"
    print(f"worst p95 {worst:.2f} ms (goal under {GOAL_MS:.0f} ms at 100k entries): {verdict}")
    return 0 if worst < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
