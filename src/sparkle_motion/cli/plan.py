"""`sparkle-motion plan`: write a MoviePlan from an idea; validate, compile, schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import PlanError, SchemaRegistryError
from ._app import err, fail, out, plan_app, print_json, state_of

if TYPE_CHECKING:
    from ..schemas import MoviePlan, VoiceSpec


def _check_output(path: Path) -> None:
    """Fail before doing the work when `-o` cannot be written."""
    if path.is_dir():
        err.print(f"[red]error[/red]: -o {escape(str(path))}: is a directory")
        raise typer.Exit(2)
    if not path.parent.is_dir():
        err.print(
            f"[red]error[/red]: -o {escape(str(path))}: folder {escape(str(path.parent))} does not exist"
        )
        raise typer.Exit(2)


def _write_output(path: Path, text: str) -> None:
    """Write via a temp file and rename, so a failure leaves no half-written file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        err.print(
            f"[red]error[/red]: cannot write {escape(str(path))}: {escape(exc.strerror or str(exc))}"
        )
        raise typer.Exit(2) from None


def _print_json_line(data: dict) -> None:
    """One result, one line of strict JSON: ASCII (a file name or a value holding control
    characters or lone surrogates is escaped), no markup or emoji codes interpreted."""
    typer.echo(json.dumps(data, ensure_ascii=True, default=str))


def plan_table(plan: MoviePlan) -> Table:
    """The plan's shots as a table: what we see, the camera, who says what (by name)."""
    names = {c.id: c.name for c in plan.characters}
    table = Table(
        "#",
        "shot",
        "s",
        "camera",
        "what we see",
        "dialogue",
        title=escape(f"{plan.title} ({plan.id})"),
    )
    for i, shot in enumerate(plan.shots, 1):
        lines = "\n".join(f"{names.get(d.character, d.character)}: {d.text}" for d in shot.dialogue)
        table.add_row(
            str(i),
            shot.id,
            f"{shot.duration_s:g}",
            shot.camera,
            escape(shot.description),
            escape(lines),
        )
    return table


def plan_summary(plan: MoviePlan) -> str:
    """One line: the title, how many shots and seconds, the characters, how many lines."""
    lines = sum(len(shot.dialogue) for shot in plan.shots)
    cast = ", ".join(c.name for c in plan.characters) or "none"
    return (
        f"plan {plan.title!r} ({plan.id}): {len(plan.shots)} shots, "
        f"{plan.total_duration_s:g} s; characters: {cast}; {lines} dialogue line"
        + ("" if lines == 1 else "s")
    )


def _voice(voice: VoiceSpec) -> str:
    """A character's voice as `provider:voice_id` (and its pitch when shifted)."""
    name = ":".join(part for part in (voice.provider, voice.voice_id) if part) or "default"
    return f"{name} {voice.pitch_semitones:+g} st" if voice.pitch_semitones else name


def _print_plan_error(path: Path, exc: PlanError) -> None:
    err.print(f"[red]FAIL[/red] {path}: [bold]{type(exc).__name__}[/bold]")
    for problem in exc.issues:
        err.print(f"  {problem}", markup=False, highlight=False)


@plan_app.command("write")
def plan_write(
    ctx: typer.Context,
    idea: Annotated[str, typer.Argument(help="The idea, in one sentence.", show_default=False)],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the plan JSON here.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Planner model (beats SCRIPT_AGENT_MODEL).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Planner seed (beats SCRIPT_AGENT_SEED).")
    ] = None,
    require_sdk: Annotated[
        bool,
        typer.Option(
            "--require-sdk",
            help="Fail unless the real SDK and the model's credentials are present.",
        ),
    ] = False,
) -> None:
    """Write a MoviePlan for IDEA with script_agent (also: `sparkle-motion plan "IDEA"`)."""
    from .. import adk_factory
    from ..errors import AdkError, StorageError
    from ..plans.finishing import music_summary
    from ..script_agent import generate_plan

    settings = state_of(ctx).settings(script_agent_model=model, script_agent_seed=seed)
    if output is not None:
        _check_output(output)
    try:
        if require_sdk:
            adk_factory.require_adk(model_spec=settings.script_agent_model)
        result = generate_plan(idea, settings=settings)
    except PlanError as exc:
        _print_plan_error(Path("<script_agent>"), exc)
        raise typer.Exit(1) from None
    except (AdkError, StorageError) as exc:
        fail(exc, 2)
    plan = result.plan
    out.print(plan_table(plan))
    cast = ", ".join(f"{c.name} ({c.appearance}; voice {_voice(c.voice)})" for c in plan.characters)
    out.print(escape(f"cast: {cast}\nmusic: {music_summary(plan)} · model {result.model}"))
    for warning in result.warnings:
        out.print(f"[yellow]warning[/yellow] {warning.path}: {escape(warning.message)}")
    if output is not None:
        _write_output(output, plan.model_dump_json(indent=2, exclude_defaults=True) + "\n")
        out.print(f"wrote {escape(str(output))}")
    if result.artifact is not None:
        out.print(f"artifact {result.artifact.uri}")


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
    from ..plans import validate_plan_file

    settings = state_of(ctx).settings(render_profile=profile)
    failed = 0
    for path in files:
        try:
            result = validate_plan_file(path, settings=settings)
        except PlanError as exc:
            failed += 1
            if as_json:
                _print_json_line({"file": str(path), "valid": False, **exc.to_dict()})
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
            _print_json_line(payload)
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
    from ..plans import validate_plan_file

    settings = state_of(ctx).settings(render_profile=profile)
    try:
        result = validate_plan_file(file, settings=settings)
    except PlanError as exc:
        _print_plan_error(file, exc)
        raise typer.Exit(1) from None
    text = result.plan.model_dump_json(indent=2, exclude_defaults=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        _check_output(output)
        _write_output(output, text)
        err.print(f"wrote {escape(str(output))}")


@plan_app.command("schema")
def plan_schema(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Schema name or URI; omit to list all.", show_default=False)
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="The list as a JSON array (name, uri, local_path).")
    ] = False,
) -> None:
    """List the registered schemas with their URIs, or print one JSON Schema."""
    from ..schemas.registry import CONFIG_NAME, ensure_schema_artifacts

    settings = state_of(ctx).settings()
    try:
        registry = ensure_schema_artifacts(settings.configs_dir / CONFIG_NAME)
        if name is None and as_json:
            print_json(
                [
                    {"name": art.name, "uri": art.uri, "local_path": str(art.local_path)}
                    for art in registry
                ]
            )
            return
        if name is None:
            table = Table("name", "uri", "local path", title="Schema artifacts")
            for art in registry:
                table.add_row(art.name, art.uri, str(art.local_path))
            out.print(table)
            return
        typer.echo(json.dumps(registry.get(name).load(), indent=2, sort_keys=True))
    except SchemaRegistryError as exc:
        fail(exc, 1)
