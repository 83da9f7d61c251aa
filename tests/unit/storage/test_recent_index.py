from __future__ import annotations

import pytest

from sparkle_motion.storage import Database, RecentIndex


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
