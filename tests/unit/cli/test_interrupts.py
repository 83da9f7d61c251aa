"""An interrupt (Ctrl-C, or SIGTERM, which becomes one) that lands where Python cannot
raise it is raised again just after, silently, instead of being printed and lost."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from sparkle_motion.cli import rearm_swallowed_interrupt


def _work() -> None:
    pass


def _spin_until_interrupted() -> None:
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline:
        _work()  # a Python call: where the re-armed interrupt lands
    raise AssertionError("the interrupt never came")


class _RaisesWhenFinalized:
    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __del__(self) -> None:
        raise self.error  # Python cannot raise it to the caller: it calls the hook


def test_a_swallowed_interrupt_is_raised_again_outside_the_hook(monkeypatch, capsys):
    monkeypatch.setattr(sys, "unraisablehook", rearm_swallowed_interrupt)
    before = sys.getprofile()
    with pytest.raises(KeyboardInterrupt) as caught:
        _RaisesWhenFinalized(KeyboardInterrupt())
        _spin_until_interrupted()
    frames = [entry.name for entry in caught.traceback]
    assert "rearm_swallowed_interrupt" not in frames and "__del__" not in frames
    assert frames[-1] in ("_work", "raise_at_next_call")  # at a call, not mid-statement
    assert sys.getprofile() is before  # the profile function removed itself
    assert capsys.readouterr().err == ""  # nothing printed


def test_the_re_raised_interrupt_never_skips_a_locks_release(monkeypatch):
    """Raised as a Python function starts, not at the C call that releases a lock."""
    monkeypatch.setattr(sys, "unraisablehook", rearm_swallowed_interrupt)
    lock = threading.Lock()
    with pytest.raises(KeyboardInterrupt):
        with lock:
            _RaisesWhenFinalized(KeyboardInterrupt())  # swallowed while the lock is held
        _spin_until_interrupted()
    assert not lock.locked()


def test_any_other_unraisable_error_is_printed_as_python_would(monkeypatch, capsys):
    monkeypatch.setattr(sys, "unraisablehook", rearm_swallowed_interrupt)
    _RaisesWhenFinalized(ValueError("boom"))
    assert "ValueError: boom" in capsys.readouterr().err


def test_an_interrupt_in_a_finalizer_ends_the_process_without_a_traceback():
    """The CI failure this fixes: SIGTERM in the first tenth of a second landed in a callback
    Python cannot raise from; the traceback was printed and the command carried on."""
    script = textwrap.dedent(
        """
        import os, signal, sys, time
        from sparkle_motion.cli import on_sigterm, rearm_swallowed_interrupt
        signal.signal(signal.SIGTERM, on_sigterm)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if HOOKED:
            sys.unraisablehook = rearm_swallowed_interrupt

        class Finalized:
            def __del__(self):  # SIGTERM arrives here; its handler runs in this frame
                os.kill(os.getpid(), signal.SIGTERM)

        def work():
            pass

        try:
            Finalized()
            deadline = time.monotonic() + 1
            while time.monotonic() < deadline:
                work()
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            sys.exit(130)
        sys.exit(0)
        """
    )

    def run(hooked: bool) -> subprocess.CompletedProcess[str]:
        code = f"HOOKED = {hooked}\n{script}"
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    unhooked = run(hooked=False)  # what CI saw: a traceback, and the command went on
    assert "Traceback" in unhooked.stderr and unhooked.returncode == 0, unhooked.stderr
    hooked = run(hooked=True)
    assert hooked.returncode == 130, hooked.stderr
    assert hooked.stderr.strip() == "interrupted"
