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


def rearm_swallowed_interrupt(unraisable: Any) -> None:
    """`sys.unraisablehook`: an interrupt raised where Python cannot propagate it (a
    finalizer, a callback run from C during an import) would be printed as "Exception
    ignored", traceback and all, and lost: the command would go on. Instead it is raised
    again, silently, at the first call or return after this hook (a profile function, which
    can raise into any frame, removes itself and raises); anything else is printed as usual.
    """
    import sys
    import threading

    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)
        return
    if threading.current_thread() is not threading.main_thread():
        import _thread

        _thread.interrupt_main()  # handled in the main thread, outside this hook
        return
    previous = sys.getprofile()

    def raise_outside_this_hook(frame: Any, event: str, arg: Any) -> None:
        if frame.f_code is rearm_swallowed_interrupt.__code__:
            return  # this hook's own return: raising here would be swallowed again
        sys.setprofile(previous)
        raise KeyboardInterrupt

    sys.setprofile(raise_outside_this_hook)


def main() -> None:
    import signal
    import sys

    signal.signal(signal.SIGTERM, on_sigterm)
    sys.unraisablehook = rearm_swallowed_interrupt
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


__all__ = ["app", "main"]
