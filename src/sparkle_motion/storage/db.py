"""SQLite access: one connection per Database, WAL, one `atomic()` helper for writes,
and forward migrations applied from db/schema/<set>/NNNN_name.sql (package data).

`PRAGMA user_version` holds the number of the last migration applied. A database newer
than the code is refused rather than guessed at. Migrations run inside BEGIN IMMEDIATE,
so two processes opening a new file at once apply each migration exactly once.

A new file is built beside its path and hard-linked into place whole, so a database at
our path is never legitimately empty: a 0-byte file there was truncated, and is refused
(DatabaseCorruptError) rather than silently recreated without its history. Every SQLite
failure that is about the storage (busy, corrupt, full, I/O) surfaces as our typed error
(db_errors.py); `commit_hook` is the fault-injection seam for writes (storage/faults.py).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import DatabaseIOError, StorageError
from ..resources import db_schema_dir
from .db_errors import corrupt_error, typed

SCHEMA_ROOT = db_schema_dir()  # package data: db/schema/ in a checkout
_MIGRATION = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")

# Fault-injection seam: when set, called with the Database just before each outermost
# COMMIT; it may raise sqlite3.Error as a failing disk would (see storage/faults.py).
commit_hook: Callable[[Database], None] | None = None


def migrations(schema_set: str, root: Path = SCHEMA_ROOT) -> list[tuple[int, Path]]:
    folder = root / schema_set
    if not folder.is_dir():
        raise StorageError(f"{folder}: migration folder not found")
    found = []
    for path in sorted(folder.iterdir()):
        match = _MIGRATION.fullmatch(path.name)
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
        self._lock = threading.RLock()
        self._depth = 0
        self._create_if_missing()
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=timeout_s, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise self._typed(exc, "opening it") or DatabaseIOError(
                f"{self.path}: cannot open the database: {exc}", context={"path": str(self.path)}
            ) from exc
        self._conn.row_factory = sqlite3.Row
        try:
            with self._errors("opening it"):
                self._conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
                self._set_wal(timeout_s)
                self._conn.execute("PRAGMA synchronous = FULL")
                self._conn.execute("PRAGMA foreign_keys = ON")
            self.migrate()
        except BaseException:
            self._conn.close()
            raise

    def _create_if_missing(self) -> None:
        """Make a new database whole (WAL header written) beside the path, then link it
        into place, so no one ever finds a 0-byte file here; refuse one that is."""
        try:
            if self.path.exists():
                if self.path.is_file() and self.path.stat().st_size == 0:
                    raise corrupt_error(
                        self.path,
                        self.schema_set,
                        "the file is empty (0 bytes) where a database was expected: it was "
                        "truncated, or its creation never finished",
                    )
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.new-{uuid.uuid4().hex[:12]}")
            try:
                conn = sqlite3.connect(tmp, isolation_level=None)
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                finally:
                    conn.close()
                try:
                    os.link(tmp, self.path)
                except FileExistsError:
                    pass  # another opener made it first: theirs is the database
                except OSError:  # no hard links here: rename (a tiny race; first one wins)
                    if not self.path.exists():
                        os.replace(tmp, self.path)
            finally:
                for leftover in (
                    tmp,
                    tmp.with_name(tmp.name + "-wal"),
                    tmp.with_name(tmp.name + "-shm"),
                ):
                    with contextlib.suppress(OSError):
                        leftover.unlink()
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseIOError(
                f"{self.path}: cannot create the database: {exc}",
                context={"path": str(self.path), "schema_set": self.schema_set},
            ) from exc

    def _typed(self, exc: sqlite3.Error, doing: str) -> StorageError | None:
        return typed(exc, self.path, self.schema_set, doing)

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """sqlite3 errors that are about the storage, raised as our typed errors."""
        try:
            yield
        except sqlite3.Error as exc:
            mapped = self._typed(exc, doing)
            if mapped is None:
                raise
            raise mapped from exc

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
                    raise
                time.sleep(0.05)

    # ------------------------------------------------------------------ schema

    @property
    def schema_version(self) -> int:
        with self._errors("reading its schema version"):
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
                    self._rollback()
                    mapped = self._typed(exc, f"applying migration {path.name}")
                    if mapped is not None:
                        raise mapped from exc
                    raise StorageError(f"{path}: migration {number} failed: {exc}") from exc
                except BaseException:
                    self._rollback()
                    raise
            return self.schema_version

    # ------------------------------------------------------------------ access

    def _rollback(self, savepoint: str | None = None) -> None:
        """Undo what a failed transaction did. SQLite may have rolled back already (a full
        disk, an I/O error do): then there is nothing left to undo, and that is no error."""
        try:
            if savepoint is not None:
                self._conn.execute(f"ROLLBACK TO {savepoint}")
                self._conn.execute(f"RELEASE {savepoint}")
            elif self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            if savepoint is None and self._conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """The one way to write: a transaction (a savepoint when nested) that commits on
        success and rolls back on any exception. Takes the write lock up front
        (BEGIN IMMEDIATE) so it cannot fail half-way on a lock upgrade. A lock held past the
        busy timeout is StorageBusyError; a full disk or I/O error DatabaseIOError; damage
        DatabaseCorruptError."""
        with self._lock:
            outer = self._depth == 0
            name = f"sp{self._depth}"
            with self._errors("starting a write"):
                self._conn.execute("BEGIN IMMEDIATE" if outer else f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self._conn
            except BaseException as exc:
                self._depth -= 1
                self._rollback(None if outer else name)
                mapped = self._typed(exc, "writing") if isinstance(exc, sqlite3.Error) else None
                if mapped is not None:
                    raise mapped from exc
                raise
            self._depth -= 1
            try:
                if outer:
                    if commit_hook is not None:
                        commit_hook(self)
                    self._conn.execute("COMMIT")
                else:
                    self._conn.execute(f"RELEASE {name}")
            except BaseException as exc:
                # a failed COMMIT (disk full, I/O error) must not leave the connection
                # inside a transaction holding the write lock
                if outer:
                    self._rollback()
                mapped = (
                    self._typed(exc, "committing a write")
                    if isinstance(exc, sqlite3.Error)
                    else None
                )
                if mapped is not None:
                    raise mapped from exc
                raise

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock, self._errors("reading"):
            return self._conn.execute(sql, params).fetchall()

    def query_one(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        with self._lock, self._errors("reading"):
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
