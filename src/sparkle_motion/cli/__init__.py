"""`sparkle-motion`: the command line, one module per noun. Thin: every command calls the
run service (production_agent) or a library function and prints what it returns.

This module stays light: `main` takes over Ctrl-C and SIGTERM before the commands (typer,
rich, the service) are imported, so an interrupt at any moment ends with one line."""

from __future__ import annotations

from typing import Any


def _load_app() -> Any:
    from . import (  # noqa: F401
        artifacts,
        config,
        control,
        models,
        plan,
        review,
        runs,
        serve,
        voices,
        workflows,
    )
    from ._app import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return _load_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def on_sigterm(signum: int, frame: Any) -> None:
    """SIGTERM stops a command the way Ctrl-C does: every run's commands are killed and no
    new step starts, then SIGINT takes the usual way out (the run recorded `stopped`)."""
    import os
    import signal
    import sys

    subprocesses = sys.modules.get("sparkle_motion.subprocesses")
    if subprocesses is not None:
        subprocesses.cancel_all()
    os.kill(os.getpid(), signal.SIGINT)


REARMS = 8  # at most this many re-raises in a process: a chain of them never runs on


def rearm_swallowed_interrupt(unraisable: Any) -> None:
    """`sys.unraisablehook` while a command runs: an interrupt raised where Python cannot
    propagate it (a finalizer, a callback run from C during an import) would be printed as
    "Exception ignored", traceback and all, and lost: the command would go on. Instead it
    is raised again, silently, as the next Python function outside the import machinery
    and threading starts (a one-shot profile function, which can raise into any frame); a
    raise at a call is one a signal could make there too. Anything else is printed as
    usual."""
    import sys
    import threading

    global REARMS
    if not isinstance(unraisable.exc_value, KeyboardInterrupt) or REARMS <= 0:
        sys.__unraisablehook__(unraisable)
        return
    REARMS -= 1
    if threading.current_thread() is not threading.main_thread():
        import _thread

        _thread.interrupt_main()  # handled in the main thread, outside this hook
        return
    previous = sys.getprofile()

    def raise_at_next_call(frame: Any, event: str, arg: Any) -> None:
        code = frame.f_code
        if (
            event != "call"
            or code.co_filename.startswith("<frozen")  # the import machinery
            or code.co_filename.endswith("threading.py")
            or code.co_name == "__del__"  # another finalizer: it would be swallowed again
        ):
            return
        sys.setprofile(previous)
        raise KeyboardInterrupt

    sys.setprofile(raise_at_next_call)


def main() -> None:
    import signal
    import sys

    signal.signal(signal.SIGTERM, on_sigterm)
    sys.unraisablehook = rearm_swallowed_interrupt  # until the command ends (not at exit)
    # Ctrl-C (and SIGTERM, which becomes one) raise KeyboardInterrupt even where the shell
    # started us with SIGINT ignored (a background job)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        try:
            _load_app()()
        except Exception as exc:  # an interrupt that Python wrapped (during an import)
            from ..errors import interrupted

            if interrupted(exc):
                raise KeyboardInterrupt from exc
            raise
    except KeyboardInterrupt:  # outside a run command's own handling (start-up, parsing)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # one interrupt, one line: we are leaving
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("interrupted; `sparkle-motion runs list` shows where runs were left", file=sys.stderr)
        sys.exit(130)
    finally:  # exit handlers and the last finalizers run as Python runs them
        sys.unraisablehook = sys.__unraisablehook__
        if getattr(sys.getprofile(), "__name__", "") == "raise_at_next_call":
            sys.setprofile(None)  # an interrupt still pending: we are leaving anyway


__all__ = ["app", "main"]
