"""Fault injection without a broken disk: make the Nth file write of the store, or the
Nth database write (transaction commit), fail as a full disk would.

    with failing_writes(2) as fault:        # the 2nd fsops.write_all and every later one
        store.publish(...)                  # -> ArtifactPublishError (ENOSPC), nothing left
    with failing_db_writes(1) as fault:     # the next COMMIT: SQLite's "disk is full"
        log.write(...)                      # -> MemoryWriteError caused by DatabaseIOError

A disk that fills stays full, so by default every write from the Nth on fails
(`times=1` fails just one). `fault.failures` counts what failed. Both seams are module
attributes (fsops.write_hook, db.commit_hook), restored on leaving the block. For tests
and drills; nothing in the package sets them.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import db, fsops

_SQLITE_CODES = {
    "database or disk is full": (13, "SQLITE_FULL"),
    "disk I/O error": (10, "SQLITE_IOERR"),
}


@dataclass
class Fault:
    nth: int
    times: int | None
    calls: int = 0
    failures: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def due(self) -> bool:
        with self._lock:
            self.calls += 1
            if self.calls < self.nth or (self.times is not None and self.failures >= self.times):
                return False
            self.failures += 1
            return True


@contextmanager
def failing_writes(
    nth: int, *, code: int = errno.ENOSPC, times: int | None = None
) -> Iterator[Fault]:
    """Within the block, the `nth` (1-based) store file write fails with OSError(`code`)."""
    fault = Fault(nth, times)

    def hook(fd: int, size: int) -> None:
        if fault.due():
            raise OSError(code, os.strerror(code))

    previous, fsops.write_hook = fsops.write_hook, hook
    try:
        yield fault
    finally:
        fsops.write_hook = previous


@contextmanager
def failing_db_writes(
    nth: int, *, message: str = "database or disk is full", times: int | None = None
) -> Iterator[Fault]:
    """Within the block, the `nth` (1-based) database transaction fails at its COMMIT
    with the sqlite3.OperationalError SQLite raises for `message`."""
    fault = Fault(nth, times)

    def hook(database: db.Database) -> None:
        if fault.due():
            exc = sqlite3.OperationalError(message)
            if message in _SQLITE_CODES:  # what SQLite itself attaches (Python 3.11+)
                exc.sqlite_errorcode, exc.sqlite_errorname = _SQLITE_CODES[message]
            raise exc

    previous, db.commit_hook = db.commit_hook, hook
    try:
        yield fault
    finally:
        db.commit_hook = previous
