"""`sparkle-motion`: the command line, one module per noun. Thin: every command calls the
run service (production_agent) or a library function and prints what it returns."""

from . import artifacts, config, plan, review, runs, workflows  # noqa: F401  (register commands)
from ._app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
