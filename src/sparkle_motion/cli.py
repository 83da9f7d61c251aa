"""`sparkle-motion`: the command line. Thin: every command calls a library function.

Exit codes: 0 ok, 1 a plan (or other input) was rejected, 2 bad usage or configuration.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .config import Settings, load_settings
from .errors import ConfigError, PlanError, SchemaRegistryError

app = typer.Typer(
    name="sparkle-motion",
    help="Turn an idea into a short film: plan, validate, render, resume.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
plan_app = typer.Typer(help="Validate, inspect and compile MoviePlans.", no_args_is_help=True)
config_app = typer.Typer(
    help="Show the settings in effect and where each came from.", no_args_is_help=True
)
app.add_typer(plan_app, name="plan")
app.add_typer(config_app, name="config")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class State:
    config_file: Path | None = None
    cli: dict[str, Any]

    def __init__(self) -> None:
        self.cli = {}

    def settings(self, **overrides: Any) -> Settings:
        try:
            return load_settings({**self.cli, **overrides}, config_file=self.config_file)
        except ConfigError as exc:
            err.print(f"[red]ConfigError[/red]: {exc.message}")
            raise typer.Exit(2) from None


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
) -> None:
    state = State()
    state.config_file = config
    ctx.obj = state


def _state(ctx: typer.Context) -> State:
    return ctx.obj if isinstance(ctx.obj, State) else State()


# --------------------------------------------------------------------------- plan


def _print_plan_error(path: Path, exc: PlanError) -> None:
    err.print(f"[red]FAIL[/red] {path}: [bold]{type(exc).__name__}[/bold]")
    for problem in exc.issues:
        err.print(f"  {problem}", markup=False, highlight=False)


@plan_app.command("validate")
def plan_validate(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="Plan files (.json, .yaml).", show_default=False)
    ],
    profile: Annotated[
        str | None, typer.Option("--profile", help="Render profile (beats the plan's).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON result per line.")] = False,
) -> None:
    """Validate plans: exit 0 when all are valid, 1 naming the error class and field path otherwise."""
    from .plans import validate_plan_file

    settings = _state(ctx).settings(render_profile=profile)
    failed = 0
    for path in files:
        try:
            result = validate_plan_file(path, settings=settings)
        except PlanError as exc:
            failed += 1
            if as_json:
                out.print_json(data={"file": str(path), "valid": False, **exc.to_dict()})
            else:
                _print_plan_error(path, exc)
            continue
        plan = result.plan
        if as_json:
            payload = {
                "file": str(path),
                "valid": True,
                "plan_id": plan.id,
                "profile": result.profile.name,
                "steps": len(plan.steps),
                "warnings": [w.model_dump() for w in result.warnings],
            }
            out.print(json.dumps(payload), highlight=False)
            continue
        out.print(
            f"[green]OK[/green] {path}: {plan.id!r}, {len(plan.shots)} shots, "
            f"{plan.total_duration_s:g} s, {len(plan.steps)} steps, profile {result.profile.name}"
        )
        for warning in result.warnings:
            out.print(f"  [yellow]warning[/yellow] {warning.path}: {warning.message}")
    if failed:
        raise typer.Exit(1)


@plan_app.command("compile")
def plan_compile(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Plan file.", show_default=False)],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Render profile.")] = None,
) -> None:
    """Validate a plan and print it with its steps compiled (image, tts, video, lipsync)."""
    from .plans import validate_plan_file

    settings = _state(ctx).settings(render_profile=profile)
    try:
        result = validate_plan_file(file, settings=settings)
    except PlanError as exc:
        _print_plan_error(file, exc)
        raise typer.Exit(1) from None
    text = result.plan.model_dump_json(indent=2, exclude_defaults=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
        err.print(f"wrote {output}")


@plan_app.command("schema")
def plan_schema(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Schema name or URI; omit to list all.", show_default=False)
    ] = None,
) -> None:
    """List the registered schemas with their URIs, or print one JSON Schema."""
    from .schema_registry import CONFIG_NAME, ensure_schema_artifacts

    settings = _state(ctx).settings()
    try:
        registry = ensure_schema_artifacts(settings.configs_dir / CONFIG_NAME)
        if name is None:
            table = Table("name", "uri", "local path", title="Schema artifacts")
            for art in registry:
                table.add_row(art.name, art.uri, str(art.local_path))
            out.print(table)
            return
        typer.echo(json.dumps(registry.get(name).load(), indent=2, sort_keys=True))
    except SchemaRegistryError as exc:
        err.print(f"[red]SchemaRegistryError[/red]: {exc.message}")
        raise typer.Exit(1) from None


# --------------------------------------------------------------------------- config


@config_app.command("show")
def config_show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every setting, its value (secrets masked) and its source: cli, env, dotenv, file, default."""
    settings = _state(ctx).settings()
    rows = []
    for name in Settings.model_fields:
        value = getattr(settings, name)
        shown = "********" if value is not None and "Secret" in type(value).__name__ else value
        rows.append(
            (
                name,
                shown if isinstance(shown, str | int | float | bool | None | list) else str(shown),
                settings.source_of(name),
            )
        )
    if as_json:
        out.print_json(data={n: {"value": v, "source": s} for n, v, s in rows})
    else:
        table = Table("setting", "value", "source")
        for n, v, s in rows:
            table.add_row(n, repr(v) if not isinstance(v, str) else v, s)
        out.print(table)
    for warning in settings.warnings:
        err.print(f"[yellow]warning[/yellow] {warning}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
