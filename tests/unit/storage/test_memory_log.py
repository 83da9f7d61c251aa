from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from sparkle_motion.errors import MemoryWriteError
from sparkle_motion.storage import Database, MemoryLog


@pytest.fixture
def log(tmp_path):
    db = Database(tmp_path / "s.db")
    yield MemoryLog(db)
    db.close()


def test_write_and_filter(log):
    a = log.write("r1", "stage_started", {"stage": "video"})
    b = log.write("r1", "qa_manual_review", {"decision": "approve", "note": "ok"})
    c = log.write("r2", "stage_started", {"stage": "assemble"}, ts=datetime(2026, 1, 1, tzinfo=UTC))
    log.write(None, "fallback", {"why": "no run"})
    assert a < b < c
    assert [e.event_type for e in log.list("r1")] == ["stage_started", "qa_manual_review"]
    assert [e.run_id for e in log.list(event_type="stage_started")] == ["r1", "r2"]
    assert log.list("r2")[0].timestamp == 1767225600 and log.list("r2")[0].payload == {
        "stage": "assemble"
    }
    assert [e.id for e in log.list(after_id=b)] == [c, c + 1]
    assert len(log.list(limit=2)) == 2


@pytest.mark.parametrize(
    ("event_type", "payload", "match"),
    [
        ("x", {"bad": object()}, "not JSON-serializable"),
        ("x", {"nan": math.nan}, "not JSON-serializable"),
        ("x", ["not", "a", "mapping"], "must be a mapping"),
        ("", {}, "event_type"),
    ],
)
def test_bad_events_raise_typed_errors(log, event_type, payload, match):
    with pytest.raises(MemoryWriteError, match=match):
        log.write("r1", event_type, payload)
    assert log.list() == []


def test_database_failure_is_not_swallowed(log):
    log.db.query("DROP TABLE memory_events")
    with pytest.raises(MemoryWriteError, match="cannot append memory event") as info:
        log.write("r1", "x", {})
    assert info.value.context["run_id"] == "r1"
