"""The `sparkle-motion` app: its sub-command groups, the settings state, the consoles and
`fail`, the one way a command reports an error and exits.

Exit codes: 0 ok; 1 a plan (or other input) was rejected, a run failed or was not found;
2 bad usage or configuration; 3 the run (or the one-job slot) is taken; 4 stopped;
5 waiting at a review gate; 6 script rejected; 130 interrupted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from .. import __version__
from ..config import Settings, load_settings
from ..errors import (
    ConfigError,
    HumanInputRequestError,
    MissingDependencyError,
    MissingWeightsError,
    PlanError,
    RunBusyError,
    RunFailedError,
    RunLockedError,
    RunNotFoundError,
    RunRequestError,
    SparkleMotionError,
    StorageError,
)

app = typer.Typer(
    name="sparkle-motion",
    help="Turn an idea into a short film: plan, validate, render, resume.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class _PlanGroup(TyperGroup):
    """`sparkle-motion plan "IDEA"` means `sparkle-motion plan write "IDEA"`."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["write", *args]
        return super().parse_args(ctx, args)


plan_app = typer.Typer(
    cls=_PlanGroup,
    help="Write a MoviePlan from an idea; validate, inspect and compile plans.",
    no_args_is_help=True,
)
config_app = typer.Typer(
    help="Show the settings in effect and where each came from.", no_args_is_help=True
)
artifacts_app = typer.Typer(
    help="List, inspect, check and prune stored artifacts.", no_args_is_help=True
)
app.add_typer(plan_app, name="plan")
app.add_typer(config_app, name="config")
review_app = typer.Typer(help="Answer review gates: list, approve, reject.", no_args_is_help=True)
workflows_app = typer.Typer(
    help="Run the ADK production graph (our `adk workflows run`).", no_args_is_help=True
)
app.add_typer(workflows_app, name="workflows")
app.add_typer(artifacts_app, name="artifacts")
app.add_typer(review_app, name="review")
runs_app = typer.Typer(help="List runs.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")
tools_app = typer.Typer(
    help="The FunctionTools: where each listens and runs, and whether it is up.",
    no_args_is_help=True,
)
app.add_typer(tools_app, name="tools")
models_app = typer.Typer(
    help="Model weights: tiny random-weight pipelines for tests and benchmarks.",
    no_args_is_help=True,
)
app.add_typer(models_app, name="models")
voices_app = typer.Typer(help="The voices this installation can speak with.", no_args_is_help=True)
app.add_typer(voices_app, name="voices")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def print_json(data: Any) -> None:
    """A listing's `--json`: one JSON document on stdout, indented, never wrapped or
    highlighted (rich is not in the way), so a pipe gets exactly what docs/CLI.md shows."""
    import json

    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def columns(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A listing as plain aligned columns, every value whole: ids are copied from here, so
    nothing is cut at the terminal's width or in a pipe (a long line wraps, it is not cut)."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    for row in (header, *rows):
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


class State:
    config_file: Path | None = None
    cli: dict[str, Any]

    def __init__(self) -> None:
        self.cli = {}

    def settings(self, **overrides: Any) -> Settings:
        try:
            return load_settings({**self.cli, **overrides}, config_file=self.config_file)
        except ConfigError as exc:
            fail(exc, 2)


def _version(value: bool) -> None:
    if value:
        out.print(f"sparkle-motion {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", help="Settings YAML (beats SPARKLE_CONFIG).")
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show the libraries' logs and tracebacks (ADK's too)."),
    ] = False,
) -> None:
    state = State()
    state.config_file = config
    ctx.obj = state
    _quiet_libraries(debug)


def _quiet_libraries(debug: bool) -> None:
    """Our errors reach the user as one typed line; ADK logs a node's exception with its
    traceback and warns about the tasks it cancels after an interrupt. Those stay out of
    the terminal unless --debug (or SPARKLE_LOG_LEVEL=DEBUG)."""
    import logging
    import os

    if debug or os.environ.get("SPARKLE_LOG_LEVEL", "").upper() == "DEBUG":
        logging.basicConfig(level=logging.DEBUG)
        return
    for name in ("google_adk", "asyncio", "concurrent.futures"):
        # after an interrupt, a stage thread finishing on a closed event loop is expected
        logging.getLogger(name).setLevel(logging.CRITICAL)


def state_of(ctx: typer.Context) -> State:
    return ctx.obj if isinstance(ctx.obj, State) else State()


def fail(problem: SparkleMotionError | str, code: int) -> NoReturn:
    """Print one line (`TypeName: message` for our errors, `error: ...` for usage) and exit.
    A bad request names the option it came from (`--from-stage: ...`, `--adapter video: ...`
    for the run service's `adapters.video`, `--fallback tts: ...` for `fallbacks.tts`)."""
    if isinstance(problem, RunRequestError):
        text, prefix = problem.message, f"{problem.field}: "
        if text.startswith(prefix) and problem.field != "plan":
            option = problem.field.replace("_", "-")
            group, _, key = problem.field.partition(".")
            if group in ("adapters", "fallbacks") and key:  # `--adapter video`, `--fallback tts`
                option = f"{group.removesuffix('s')} {key}"
            text = f"--{option}: {text.removeprefix(prefix)}"
        err.print(f"[red]error[/red]: {escape(text.removeprefix('plan: '))}")
    elif isinstance(problem, SparkleMotionError):
        err.print(f"[red]{type(problem).__name__}[/red]: {escape(problem.message)}")
    else:
        err.print(f"[red]error[/red]: {escape(problem)}")
    raise typer.Exit(code)


# the exit code of each error a run-service call may raise (the first class that matches)
EXIT_CODES: tuple[tuple[type[SparkleMotionError], int], ...] = (
    (RunNotFoundError, 1),
    (RunFailedError, 1),
    (RunLockedError, 3),
    (RunBusyError, 3),
    (RunRequestError, 2),
    (PlanError, 2),
    (HumanInputRequestError, 1),
    (StorageError, 1),
    # a backend the run needs cannot run (checked before anything renders): configuration
    (MissingWeightsError, 2),
    (MissingDependencyError, 2),
)


@contextmanager
def service_errors() -> Iterator[None]:
    """Around a call of the run service: its typed errors become one line and their exit
    code (EXIT_CODES); anything else is a bug and goes on up."""
    try:
        yield
    except RunNotFoundError as exc:
        fail(f"no run {exc.run_id}", 1)
    except SparkleMotionError as exc:
        for kind, code in EXIT_CODES:
            if isinstance(exc, kind):
                fail(exc, code)
        raise
