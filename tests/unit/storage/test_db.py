from __future__ import annotations

import sqlite3

import pytest

from sparkle_motion.errors import StorageError
from sparkle_motion.storage.db import Database, migrations

EXPECTED_TABLES = {
    "runs",
    "step_records",
    "completed_steps",
    "memory_events",
    "recent_index",
    "semantic_index",
}


def tables(db: Database) -> set[str]:
    return {
        r[0]
        for r in db.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }


def test_fresh_database_has_every_table_wal_and_version(tmp_path):
    with Database(tmp_path / "s.db") as db:
        assert tables(db) == EXPECTED_TABLES
        assert db.schema_version == len(migrations("main"))
        assert db.query_one("PRAGMA journal_mode")[0] == "wal"
        assert db.integrity_check() == "ok"


def test_reopen_is_idempotent(tmp_path):
    Database(tmp_path / "s.db").close()
    with Database(tmp_path / "s.db") as db:
        assert db.migrate() == len(migrations("main"))


def test_forward_migration_applies_only_new_files(tmp_path):
    root = tmp_path / "schema"
    (root / "t").mkdir(parents=True)
    (root / "t" / "0001_a.sql").write_text("CREATE TABLE a (x INTEGER);")
    with Database(tmp_path / "t.db", "t", schema_root=root) as db:
        db.query("INSERT INTO a VALUES (1)")
        assert db.schema_version == 1
    (root / "t" / "0002_b.sql").write_text("ALTER TABLE a ADD COLUMN y TEXT DEFAULT 'z';")
    with Database(tmp_path / "t.db", "t", schema_root=root) as db:
        assert db.schema_version == 2
        assert [tuple(r) for r in db.query("SELECT x, y FROM a")] == [(1, "z")]


def test_failed_migration_rolls_back_and_names_the_file(tmp_path):
    root = tmp_path / "schema"
    (root / "t").mkdir(parents=True)
    (root / "t" / "0001_a.sql").write_text("CREATE TABLE a (x INTEGER);\nCREATE TABLE oops (;")
    with pytest.raises(StorageError, match=r"0001_a\.sql: migration 1 failed"):
        Database(tmp_path / "t.db", "t", schema_root=root)
    conn = sqlite3.connect(tmp_path / "t.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'a'").fetchall() == []


def test_migration_numbering_is_checked(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "0001_a.sql").write_text("")
    (tmp_path / "t" / "0003_c.sql").write_text("")
    with pytest.raises(StorageError, match="without gaps"):
        migrations("t", tmp_path)
    (tmp_path / "t" / "2_bad.sql").write_text("")
    with pytest.raises(StorageError, match=r"NNNN_name\.sql"):
        migrations("t", tmp_path)


def test_newer_database_is_refused(tmp_path):
    conn = sqlite3.connect(tmp_path / "s.db")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StorageError, match="newer than this code"):
        Database(tmp_path / "s.db")


def test_atomic_commits_or_rolls_back_and_nests(tmp_path):
    with Database(tmp_path / "s.db") as db:
        with db.atomic() as conn:
            conn.execute(
                "INSERT INTO memory_events (run_id, timestamp, event_type, payload) VALUES ('r', 1, 'a', '{}')"
            )
        with pytest.raises(RuntimeError), db.atomic() as conn:
            conn.execute(
                "INSERT INTO memory_events (run_id, timestamp, event_type, payload) VALUES ('r', 1, 'b', '{}')"
            )
            raise RuntimeError("boom")
        with db.atomic() as conn:
            conn.execute(
                "INSERT INTO memory_events (run_id, timestamp, event_type, payload) VALUES ('r', 1, 'c', '{}')"
            )
            with pytest.raises(RuntimeError), db.atomic() as inner:
                inner.execute(
                    "INSERT INTO memory_events (run_id, timestamp, event_type, payload) VALUES ('r', 1, 'd', '{}')"
                )
                raise RuntimeError("inner")
        assert [r[0] for r in db.query("SELECT event_type FROM memory_events ORDER BY id")] == [
            "a",
            "c",
        ]
