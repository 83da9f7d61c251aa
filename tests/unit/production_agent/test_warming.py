"""An interrupt during a run never leaves the command waiting forever for a model load:
the import lock it left held is released and each load gets a bounded wait."""

from __future__ import annotations

import _imp
import importlib
import threading
import time

import pytest

from sparkle_motion.production_agent import warming

launch = importlib.import_module("sparkle_motion.production_agent.launch")  # not the function


def _imports_in_a_thread() -> threading.Thread:
    """A load that needs the import lock (what the piper prewarm does)."""

    def load() -> None:
        _imp.acquire_lock()
        _imp.release_lock()

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    return thread


def test_the_import_lock_an_interrupt_left_held_is_released():
    _imp.acquire_lock()  # what an interrupt between `acquire_lock()` and its `try` leaves
    _imp.acquire_lock()
    load = _imports_in_a_thread()
    load.join(timeout=0.3)
    assert load.is_alive()  # blocked for good: the hang CI saw after a SIGTERM
    assert warming.release_import_lock_left_by_interrupt() == 2
    load.join(timeout=5)
    assert not load.is_alive()
    assert warming.release_import_lock_left_by_interrupt() == 0  # nothing more to release


def test_after_an_interrupt_a_stuck_load_is_waited_for_a_bounded_time(monkeypatch):
    stuck = threading.Event()
    monkeypatch.setattr(warming, "AFTER_INTERRUPT_S", 0.4)

    def drive(*a):
        for _ in range(5):  # the run's loads, all stuck: one bound for all of them
            thread = threading.Thread(target=stuck.wait, daemon=True)
            thread.start()
            a[-1].append(thread)
        raise KeyboardInterrupt

    monkeypatch.setattr(launch, "_warm_then_drive", drive)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        launch.execute("start", "r1", None, None)  # type: ignore[arg-type]
    assert time.monotonic() - started < 1.5  # not five times the bound
    stuck.set()


def test_a_finished_or_failed_run_waits_for_its_loads(monkeypatch):
    finished: list[str] = []

    def slow_load() -> None:
        time.sleep(0.3)
        finished.append("load")

    def drive(*a):
        thread = threading.Thread(target=slow_load, daemon=True)
        thread.start()
        a[-1].append(thread)
        raise ValueError("a step failed")

    monkeypatch.setattr(warming, "AFTER_INTERRUPT_S", 0.01)
    monkeypatch.setattr(launch, "_warm_then_drive", drive)
    with pytest.raises(ValueError):
        launch.execute("start", "r1", None, None)  # type: ignore[arg-type]
    assert finished == ["load"]  # not an interrupt: waited for in full
