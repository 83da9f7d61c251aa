"""Waiting for the threads that load models ahead of their steps (prewarm). A run waits for
its loads to finish (a native load must not be torn down mid-way at exit), but an interrupt
must still end the command: it can land inside the import machinery between taking the
global import lock and the `try` that releases it, leaving the lock held by the main thread
for good, and a load importing anything then waits forever. So after an interrupt the lock
this thread still holds is released, and each load gets a bounded wait."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

AFTER_INTERRUPT_S = 20.0  # a load that takes longer is left to the exit (a daemon thread)


def release_import_lock_left_by_interrupt() -> int:
    """Release the global import lock as often as this thread holds it; how many times.
    Called where this thread cannot be importing anything (an unwinding run), so any hold
    is one an interrupt left behind."""
    import _imp

    released = 0
    while True:
        try:
            _imp.release_lock()
        except RuntimeError:  # not held by this thread: nothing (more) was left
            return released
        released += 1


def join_loads(threads: Iterable[threading.Thread], *, interrupted: bool) -> None:
    """Wait for every load; after an interrupt, heal the import lock and wait at most
    AFTER_INTERRUPT_S for all of them (a second Ctrl-C ends the wait at once)."""
    if not interrupted:
        for thread in threads:
            thread.join()
        return
    release_import_lock_left_by_interrupt()
    deadline = time.monotonic() + AFTER_INTERRUPT_S
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
