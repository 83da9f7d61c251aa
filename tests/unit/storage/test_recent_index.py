from __future__ import annotations

import random
import shutil

import pytest

from sparkle_motion.storage import Database, RecentIndex
from sparkle_motion.storage.db import migrations
from sparkle_motion.storage.recent_index import Entry, format_phash


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def index(tmp_path):
    db = Database(tmp_path / "s.db")
    clock = Clock()
    yield RecentIndex(db, clock=clock), clock
    db.close()


def test_first_uri_stays_canonical(index):
    idx, _ = index
    assert idx.get_canonical("ab12") is None
    assert idx.add_or_get("ab12", "artifact+fs://r/a") == "artifact+fs://r/a"
    assert idx.add_or_get("ab12", "artifact+fs://r/b") == "artifact+fs://r/a"
    assert idx.get_canonical("ab12") == "artifact+fs://r/a"
    hits = idx.db.query_one("SELECT hit_count FROM recent_index WHERE phash = 'ab12'")[0]
    assert hits == 2


def test_touch_updates_last_seen(index):
    idx, clock = index
    idx.add_or_get("h", "u")
    clock.now += 50
    idx.touch("h", "other")
    row = idx.db.query_one("SELECT canonical_uri, last_seen FROM recent_index WHERE phash = 'h'")
    assert tuple(row) == ("u", 1050)


def test_prune_by_age_then_count(index):
    idx, clock = index
    for i in range(5):
        idx.add_or_get(f"h{i}", f"u{i}")
        clock.now += 10
    # last_seen: h0=1000 ... h4=1040; now = 1050
    assert idx.prune(max_age_s=25, max_entries=100) == 3  # h0, h1, h2 older than 1025
    assert idx.get_canonical("h2") is None and idx.get_canonical("h3") == "u3"
    assert idx.prune(max_age_s=1000, max_entries=1) == 1
    assert len(idx) == 1 and idx.get_canonical("h4") == "u4"
    with pytest.raises(ValueError):
        idx.prune(-1, 1)


# ---------------------------------------------------------------- perceptual entries


def flip(value: int, bits: list[int]) -> int:
    for b in bits:
        value ^= 1 << b
    return value


def test_near_finds_exactly_the_hashes_within_k(index):
    """Against a brute-force scan: clusters of near hashes (where bands collide most) and
    random ones; every k the setting allows."""
    idx, _ = index
    rng = random.Random(5)
    values = []
    for _ in range(40):
        centre = rng.getrandbits(64)
        values += [flip(centre, rng.sample(range(64), rng.randint(0, 14))) for _ in range(10)]
    values += [rng.getrandbits(64) for _ in range(200)]
    for n, value in enumerate(dict.fromkeys(values)):
        idx.add(Entry(phash=format_phash(value), uri=f"u{n}", kind="keyframe"))
    stored = [int(r[0], 16) for r in idx.db.query("SELECT phash FROM recent_index")]
    for k in range(0, 12):
        for query in [*rng.sample(values, 8), rng.getrandbits(64)]:
            found = idx.near(format_phash(query), k)
            expected = sorted(
                (v ^ query).bit_count() for v in stored if (v ^ query).bit_count() <= k
            )
            assert [n.distance for n in found] == expected, k


def test_add_keeps_the_first_image_of_a_hash_and_what_made_it(index):
    idx, clock = index
    first = Entry(
        "00ff00ff00ff00ff", "art://a", "keyframe", "sdxl", "m1", "run1", "image.kf-0", 0, 64, 32
    )
    assert idx.add(first).entry == first
    clock.now += 5
    again = idx.add(Entry("00ff00ff00ff00ff", "art://b", "keyframe", "procedural_keyframes"))
    assert again.entry == first and again.hit_count == 2 and again.last_seen == 1005
    (near,) = idx.near("00ff00ff00ff00fe", 1)
    assert near.entry == first and near.distance == 1
    idx.replace(Entry("00ff00ff00ff00ff", "art://c", "keyframe", "sdxl", "m2"))
    assert idx.get_canonical("00ff00ff00ff00ff") == "art://c"
    assert idx.near("00ff00ff00ff00ff", 0)[0].entry.model_id == "m2"


def test_seed_api_rows_with_free_text_hashes_are_never_near(index):
    idx, _ = index
    idx.add_or_get("ab12", "art://seed")
    idx.add_or_get("0000000000000001", "art://hex")  # 16 hex digits: banded
    assert [n.entry.uri for n in idx.near("0000000000000000", 3)] == ["art://hex"]
    with pytest.raises(ValueError, match="16 hex digits"):
        idx.near("ab12", 3)
    with pytest.raises(ValueError, match="max_distance"):
        idx.near("0000000000000000", 16)


def test_remove_uris_and_prunable(index):
    idx, clock = index
    for i in range(4):
        idx.add(Entry(format_phash(i << 20), f"art://{i % 2}", "keyframe"))
        clock.now += 10
    assert sorted(idx.uris()) == ["art://0", "art://1"]
    assert idx.prunable(max_age_s=25, max_entries=100) == 2  # seen at 1000 and 1010
    assert idx.prunable(max_age_s=None, max_entries=1) == 3
    assert len(idx) == 4  # counting removes nothing
    assert idx.remove_uris(["art://0", "art://none"]) == 2 and sorted(idx.uris()) == ["art://1"]


def test_the_migration_adds_columns_and_keeps_older_rows(tmp_path):
    """A database made before migration 0005 (its recent_index rows have no bands) opens
    with them kept; they never match a near lookup and their hash stays canonical."""
    old_root = tmp_path / "schema"
    (old_root / "main").mkdir(parents=True)
    for _, path in migrations("main")[:4]:
        shutil.copy(path, old_root / "main" / path.name)
    old = Database(tmp_path / "s.db", schema_root=old_root)
    with old, old.atomic() as conn:  # what the code before it wrote
        conn.execute(
            "INSERT INTO recent_index (phash, canonical_uri, last_seen) "
            "VALUES ('00000000000000ff', 'art://old', 1)"
        )
    with Database(tmp_path / "s.db") as db:
        assert db.schema_version == len(migrations("main"))
        idx = RecentIndex(db)
        assert idx.get_canonical("00000000000000ff") == "art://old"
        assert idx.near("00000000000000ff", 0) == []
        assert idx.add(Entry("00000000000000ff", "art://new", "keyframe")).entry.uri == "art://old"
