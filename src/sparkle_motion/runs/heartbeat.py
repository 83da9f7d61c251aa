"""The run lock's lease: one daemon thread per process refreshes `heartbeat_at` of every
run the process owns, through a connection of its own, every `ttl / 4` seconds.

A beat that finds the row no longer names this process (the run was released, or taken
over after its lease expired or `unlock --force`) drops the run and marks it lost: the
run's control gate then stops the work between steps, and the process writes no status
for a run it no longer owns.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from pathlib import Path

_Key = tuple[str, str]  # (database path, run id)


class Heartbeat:
    def __init__(self) -> None:
        # key -> (host, pid, interval, token): a token tells one watch from a later one
        self._watched: dict[_Key, tuple[str, int, float, int]] = {}
        self._lost: set[_Key] = set()
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, db_path: Path, run_id: str, host: str, pid: int, interval_s: float) -> None:
        key = (str(db_path), run_id)
        with self._lock:
            self._watched[key] = (host, pid, interval_s, next(self._tokens))
            self._lost.discard(key)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="sparkle-run-heartbeat", daemon=True
                )
                self._thread.start()
        self._wake.set()  # an interval may have become shorter

    def unwatch(self, db_path: Path, run_id: str) -> None:
        with self._lock:
            self._watched.pop((str(db_path), run_id), None)

    def watching(self, db_path: Path, run_id: str) -> bool:
        return (str(db_path), run_id) in self._watched

    def reset(self) -> None:
        """Forget every watch and loss (a test that ends holding runs in a throwaway
        database; the thread idles until the next watch)."""
        with self._lock:
            self._watched.clear()
            self._lost.clear()

    def lost(self, db_path: Path, run_id: str) -> bool:
        """This process held the run and another one has taken it since."""
        return (str(db_path), run_id) in self._lost

    def mark_lost(self, db_path: Path, run_id: str) -> None:
        """A write conditional on owning the run found another owner (or none)."""
        key = (str(db_path), run_id)
        with self._lock:
            self._watched.pop(key, None)
            self._lost.add(key)

    def _drop(self, key: _Key, token: int) -> None:
        """Forget `key` if it is still the watch the failed beat was for (the run may
        have been released and taken again meanwhile: that newer watch stays)."""
        with self._lock:
            current = self._watched.get(key)
            if current is not None and current[3] == token:
                del self._watched[key]
                self._lost.add(key)

    def _loop(self) -> None:
        while True:
            with self._lock:
                watched = dict(self._watched)
            interval = min((w[2] for w in watched.values()), default=1.0)
            self._wake.wait(interval)
            self._wake.clear()
            for key, (host, pid, _, token) in watched.items():
                if not self._current(key, token):
                    continue  # released (or watched anew) while this thread waited
                if not beat(key[0], key[1], host, pid):
                    self._drop(key, token)

    def _current(self, key: _Key, token: int) -> bool:
        with self._lock:
            current = self._watched.get(key)
        return current is not None and current[3] == token


def beat(path: str, run_id: str, host: str, pid: int) -> bool:
    """Refresh the run's heartbeat; True while the run is still owned by (host, pid).
    A busy database only skips this beat (three more come before the lease runs out)."""
    if not Path(path).is_file():
        return False  # the database is gone
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True, timeout=5)
        try:
            with conn:
                changed = conn.execute(
                    "UPDATE runs SET heartbeat_at = ? WHERE run_id = ? AND owner_pid = ? "
                    "AND owner_host = ?",
                    (time.time(), run_id, pid, host),
                ).rowcount
        finally:
            conn.close()
    except sqlite3.Error:
        return True
    return changed > 0


HEARTBEAT = Heartbeat()
