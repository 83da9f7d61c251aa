"""A damaged database is a typed, one-line error naming the file and the fix; never a
raw `sqlite3.DatabaseError` traceback, and never silently recreated empty.

Three kinds of damage, for both of our SQLite files (the main database and the artifact
index): garbage bytes, a file truncated to half its size, and a file truncated to 0 bytes
(which SQLite alone would take for a new, empty database: run history gone without a
word). Plus damage found while in use (the header is fine, a table's pages are not).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sparkle_motion.cli import app
from sparkle_motion.errors import DatabaseCorruptError, StorageError
from sparkle_motion.storage import Database, MemoryLog
from sparkle_motion.storage.fs_store import FilesystemArtifactStore
from tests.support.cli import run_cli

runner = CliRunner()


def garbage(path: Path) -> None:
    path.write_bytes(b"\x8fnot a database, just bytes\x00" * 300)


def half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def zero(path: Path) -> None:
    path.write_bytes(b"")


DAMAGES = {"garbage": garbage, "half": half, "zero": zero}


def fill_main(path: Path) -> None:
    with Database(path) as db:
        log = MemoryLog(db)
        for i in range(300):
            log.write("run1", "stage_started", {"i": i, "pad": "x" * 200})


def fill_index(root: Path) -> list[str]:
    store = FilesystemArtifactStore(root)
    uris = [
        store.publish(
            run_id="run1", stage="s", name=f"a{i}.bin", data=b"a", metadata={"pad": "x" * 300}
        ).uri
        for i in range(200)
    ]
    store.close()
    return uris


def sidecars_gone(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        assert not path.with_name(path.name + suffix).exists()


# --------------------------------------------------------------------------- the library


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("schema_set", ["main", "artifact_index"])
def test_opening_a_damaged_database_is_typed_names_the_file_and_changes_nothing(
    tmp_path, damage, schema_set
):
    path = tmp_path / "x.db"
    if schema_set == "main":
        fill_main(path)
    else:
        fill_index(tmp_path / "root")
        path = tmp_path / "root" / "index.db"
    sidecars_gone(path)
    DAMAGES[damage](path)
    before = path.read_bytes()
    with pytest.raises(DatabaseCorruptError) as info:
        Database(path, schema_set)
    message = info.value.message
    assert str(path) in message and "move it aside" in message.lower()
    assert "\n" not in message
    if schema_set == "artifact_index":
        assert "artifacts check --repair" in message
    assert path.read_bytes() == before  # refused, not recreated
    assert info.value.context["path"] == str(path)


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_store_on_a_damaged_index_is_typed(tmp_path, damage):
    fill_index(tmp_path / "root")
    DAMAGES[damage](tmp_path / "root" / "index.db")
    with pytest.raises(DatabaseCorruptError, match="artifacts check --repair"):
        FilesystemArtifactStore(tmp_path / "root")


def test_damage_found_while_in_use_is_typed(tmp_path):
    path = tmp_path / "s.db"
    fill_main(path)
    with sqlite3.connect(path) as conn:  # where memory_events lives (the schema grows)
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'memory_events'"
        ).fetchone()[0]
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page : root * page] = b"\xee" * page  # that table's page, no other
    path.write_bytes(bytes(data))
    db = Database(path)  # header and schema pages intact: opens
    with pytest.raises(DatabaseCorruptError):
        db.query("SELECT * FROM memory_events")
    with pytest.raises(StorageError):
        MemoryLog(db).write("run1", "x", {})
    db.close()


def test_a_new_database_file_is_never_seen_empty(tmp_path):
    """A fresh database is built beside its path and linked into place whole, so a 0-byte
    file at the path can only be damage (or a crash from before this rule)."""
    path = tmp_path / "new" / "s.db"
    with Database(path) as db:
        assert db.integrity_check() == "ok"
    assert path.stat().st_size > 0
    assert sorted(p.name for p in path.parent.iterdir()) == ["s.db"]
    with Database(path) as db:  # and it reopens
        assert db.schema_version > 0


def test_two_openers_of_a_new_file_agree(tmp_path):
    import threading

    path = tmp_path / "s.db"
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            Database(path).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Database(path) as db:
        assert db.integrity_check() == "ok"


# --------------------------------------------------------------------------- the CLI


@pytest.fixture
def env(tmp_path):
    return {
        "SPARKLE_DOTENV": "",
        "ARTIFACTS_FS_ROOT": str(tmp_path / "root"),
        "SPARKLE_DB_PATH": str(tmp_path / "s.db"),
        "SPARKLE_RUNS_DIR": str(tmp_path / "runs"),
        "COLUMNS": "250",
    }


def one_typed_line(result, type_name: str) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{type_name}: ")
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize(
    "args",
    [
        ["artifacts", "list", "run1"],
        ["artifacts", "check"],
        ["artifacts", "check", "--verify", "--repair"],
        ["artifacts", "show", "artifact+fs://run1/a"],
        ["artifacts", "prune", "--older-than", "1d"],
    ],
    ids=lambda a: " ".join(a) if isinstance(a, list) else a,
)
def test_cli_on_a_damaged_index_prints_one_line_and_exits_1(tmp_path, env, damage, args):
    fill_index(tmp_path / "root")
    DAMAGES[damage](tmp_path / "root" / "index.db")
    line = one_typed_line(runner.invoke(app, args, env=env), "DatabaseCorruptError")
    assert str(tmp_path / "root" / "index.db") in line and "artifacts check --repair" in line


def test_cli_in_a_fresh_process_has_no_traceback(tmp_path):
    fill_index(tmp_path / "art")
    garbage(tmp_path / "art" / "index.db")
    done = run_cli(tmp_path, "artifacts", "list", "run1")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.startswith("DatabaseCorruptError: ") and done.stderr.count("\n") == 1


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize(
    "args", [["runs", "list"], ["status", "run1"], ["resume", "run1"]], ids=" ".join
)
def test_cli_on_a_damaged_main_database_prints_one_line_and_exits_1(tmp_path, env, damage, args):
    fill_main(tmp_path / "s.db")
    DAMAGES[damage](tmp_path / "s.db")
    before = (tmp_path / "s.db").read_bytes()
    line = one_typed_line(runner.invoke(app, args, env=env), "DatabaseCorruptError")
    assert str(tmp_path / "s.db") in line
    assert (tmp_path / "s.db").read_bytes() == before


def test_main_database_damage_reaches_callers_typed(tmp_path, env):
    """What cli/runs.py gets from the run service (production_agent) today."""
    from sparkle_motion.production_agent import list_runs
    from tests.conftest import make_settings

    fill_main(tmp_path / "s.db")
    zero(tmp_path / "s.db")
    with pytest.raises(DatabaseCorruptError, match="0 bytes"):
        list_runs(5, settings=make_settings(db_path=tmp_path / "s.db"))
    assert os.path.getsize(tmp_path / "s.db") == 0
    sqlite3.connect(":memory:").close()
