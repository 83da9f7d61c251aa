"""SQLite access: one connection per Database, WAL, one `atomic()` helper for writes,
and forward migrations applied from db/schema/<set>/NNNN_name.sql (package data).

`PRAGMA user_version` holds the number of the last migration applied. A database newer
than the code is refused rather than guessed at. Migrations run inside BEGIN IMMEDIATE,
so two processes opening a new file at once apply each migration exactly once.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import StorageError
from ..resources import db_schema_dir

SCHEMA_ROOT = db_schema_dir()  # package data: db/schema/ in a checkout
_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations(schema_set: str, root: Path = SCHEMA_ROOT) -> list[tuple[int, Path]]:
    folder = root / schema_set
    if not folder.is_dir():
        raise StorageError(f"{folder}: migration folder not found")
    found = []
    for path in sorted(folder.iterdir()):
        match = _MIGRATION.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
        elif path.suffix == ".sql":
            raise StorageError(f"{path}: migration files are named NNNN_name.sql")
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise StorageError(
            f"{folder}: migrations must be numbered 1..N without gaps, got {numbers}"
        )
    return found


def _statements(script: str) -> list[str]:
    """Split a migration into statements (so it can run inside one transaction, which
    executescript would commit first)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip().strip(";").strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())  # incomplete: let SQLite report it
    return statements


class Database:
    """A SQLite file with our schema applied. Thread-safe through one re-entrant lock."""

    def __init__(
        self,
        path: Path,
        schema_set: str = "main",
        *,
        timeout_s: float = 10.0,
        schema_root: Path = SCHEMA_ROOT,
    ) -> None:
        self.path = Path(path)
        self.schema_set = schema_set
        self.schema_root = schema_root
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=timeout_s, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"{self.path}: cannot open database: {exc}") from exc
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        self._conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
        self._set_wal(timeout_s)
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        try:
            self.migrate()
        except BaseException:
            self._conn.close()
            raise

    def _set_wal(self, timeout_s: float) -> None:
        """WAL is persistent: set it once. Switching needs a moment of exclusivity, which a
        second process opening the same new file can deny; retry within the timeout."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if str(self._conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                    self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    self._conn.close()
                    raise StorageError(f"{self.path}: cannot switch to WAL: {exc}") from exc
                time.sleep(0.05)

    # ------------------------------------------------------------------ schema

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> int:
        """Apply pending migrations; returns the version now in force."""
        pending = migrations(self.schema_set, self.schema_root)
        latest = pending[-1][0] if pending else 0
        with self._lock:
            current = self.schema_version
            if current > latest:
                raise StorageError(
                    f"{self.path}: schema version {current} is newer than this code knows "
                    f"({latest}); upgrade sparkle-motion"
                )
            for number, path in pending:
                if number <= current:
                    continue
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                    # re-read under the write lock: another process may have applied it
                    if self.schema_version < number:
                        for statement in _statements(path.read_text(encoding="utf-8")):
                            self._conn.execute(statement)
                        self._conn.execute(f"PRAGMA user_version = {number}")
                    self._conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise StorageError(f"{path}: migration {number} failed: {exc}") from exc
            return self.schema_version

    # ------------------------------------------------------------------ access

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """The one way to write: a transaction (a savepoint when nested) that commits on
        success and rolls back on any exception. Takes the write lock up front
        (BEGIN IMMEDIATE) so it cannot fail half-way on a lock upgrade."""
        with self._lock:
            outer = self._depth == 0
            name = f"sp{self._depth}"
            self._conn.execute("BEGIN IMMEDIATE" if outer else f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self._conn
            except BaseException:
                self._depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                else:
                    self._conn.execute(f"ROLLBACK TO {name}")
                    self._conn.execute(f"RELEASE {name}")
                raise
            self._depth -= 1
            try:
                self._conn.execute("COMMIT" if outer else f"RELEASE {name}")
            except BaseException:
                # a failed COMMIT (disk full, I/O error) must not leave the connection
                # inside a transaction holding the write lock
                if outer and self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def query_one(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        with self._lock:
            return self._conn.execute(sql, params).fetchone()

    def integrity_check(self) -> str:
        row = self.query_one("PRAGMA integrity_check")
        return "no answer" if row is None else str(row[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
