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
    new step starts (even if the interrupt below lands somewhere Python swallows it, such
    as a finalizer), then SIGINT takes the usual way out (the run recorded `stopped`)."""
    import os
    import signal
    import sys

    subprocesses = sys.modules.get("sparkle_motion.subprocesses")
    if subprocesses is not None:
        subprocesses.cancel_all()
    os.kill(os.getpid(), signal.SIGINT)


def main() -> None:
    import signal
    import sys

    signal.signal(signal.SIGTERM, on_sigterm)
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
