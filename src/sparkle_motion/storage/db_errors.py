"""What a SQLite error means for us, as one of our typed errors.

    busy / locked                       StorageBusyError      transient: retry
    corrupt / not a database            DatabaseCorruptError  move the file aside
    full / I/O / read-only / unopenable DatabaseIOError       permanent for the step

Anything else (a constraint, a syntax error) is a bug or a rule of the caller's and is left
as the sqlite3 exception it is. Classified by SQLite's result code when the exception
carries one (Python 3.11+), else by SQLite's fixed message text.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import DatabaseCorruptError, DatabaseIOError, StorageBusyError, StorageError

# primary result codes (https://sqlite.org/rescode.html)
_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_CORRUPT = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_IO = {8, 10, 13, 14}  # SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN
_TEXT = (
    (("database is locked", "database is busy", "database table is locked"), StorageBusyError),
    (("malformed", "not a database"), DatabaseCorruptError),
    (
        ("disk is full", "disk i/o error", "readonly database", "unable to open database"),
        DatabaseIOError,
    ),
)


def kind(exc: BaseException) -> type[StorageError] | None:
    """The typed error `exc` stands for, or None when it is not a storage condition."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        primary = code & 0xFF
        if primary in _BUSY:
            return StorageBusyError
        if primary in _CORRUPT:
            return DatabaseCorruptError
        if primary in _IO:
            return DatabaseIOError
    text = str(exc).lower()
    for needles, cls in _TEXT:
        if any(n in text for n in needles):
            return cls
    return None


def what_to_do(path: Path, schema_set: str) -> str:
    """The way out of a damaged file, for the error message."""
    aside = f"move it aside with its -wal and -shm files (e.g. `mv {path} {path}.corrupt`)"
    if schema_set == "artifact_index":
        return (
            f"{aside}, then run `sparkle-motion artifacts check --repair`, which rebuilds the "
            "index from the manifests stored beside the artifacts"
        )
    return (
        f"{aside} or restore it from a backup; a new, empty database is made on the next "
        "start (the moved file keeps the old run history)"
    )


def corrupt_error(path: Path, schema_set: str, detail: str) -> DatabaseCorruptError:
    return DatabaseCorruptError(
        f"{path}: {detail}; nothing was changed. To go on, {what_to_do(path, schema_set)}",
        context={"path": str(path), "schema_set": schema_set},
    )


def typed(exc: sqlite3.Error, path: Path, schema_set: str, doing: str) -> StorageError | None:
    """Our error for `exc`, raised while `doing` ("writing", "opening it", ...) to the
    database at `path`; None when `exc` is not about the storage."""
    cls = kind(exc)
    if cls is None:
        return None
    if cls is DatabaseCorruptError:
        return corrupt_error(path, schema_set, f"the database is damaged ({exc})")
    context = {"path": str(path), "schema_set": schema_set, "sqlite_error": str(exc)}
    if cls is StorageBusyError:
        return StorageBusyError(
            f"{path}: database is locked by another writer (while {doing}); retry later",
            context=context,
        )
    return DatabaseIOError(
        f"{path}: {exc} (while {doing}); free disk space, or check the disk and the file's "
        "permissions",
        context=context,
    )
