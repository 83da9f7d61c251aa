"""`sparkle-motion`: the command line. Thin: every command calls a library function.

Exit codes: 0 ok, 1 a plan (or other input) was rejected, 2 bad usage or configuration.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

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
            err.print(f"[red]ConfigError[/red]: {escape(exc.message)}")
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
    from . import adk_factory
    from .errors import AdkError, StorageError
    from .script_agent import generate_plan

    settings = _state(ctx).settings(script_agent_model=model, script_agent_seed=seed)
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
        err.print(f"[red]{type(exc).__name__}[/red]: {escape(exc.message)}")
        raise typer.Exit(2) from None
    plan = result.plan
    table = Table(
        "#", "shot", "s", "camera", "what we see", "dialogue", title=f"{plan.title} ({plan.id})"
    )
    for i, shot in enumerate(plan.shots, 1):
        lines = "\n".join(f"{d.character}: {d.text}" for d in shot.dialogue)
        table.add_row(
            str(i),
            shot.id,
            f"{shot.duration_s:g}",
            shot.camera,
            escape(shot.description),
            escape(lines),
        )
    out.print(table)
    cast = ", ".join(f"{c.name} ({c.appearance})" for c in plan.characters)
    out.print(
        escape(
            f"cast: {cast}\nmusic: {plan.music.mood if plan.music else '-'} · model {result.model}"
        )
    )
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
        _check_output(output)
        _write_output(output, text)
        err.print(f"wrote {escape(str(output))}")


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
        err.print(f"[red]SchemaRegistryError[/red]: {escape(exc.message)}")
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


# --------------------------------------------------------------------------- artifacts


def _store(ctx: typer.Context, *, filesystem_only: str | None = None):
    from .errors import StorageError
    from .storage import open_artifact_store

    settings = _state(ctx).settings()
    if filesystem_only and settings.artifacts_backend != "filesystem":
        err.print(
            f"[red]error[/red]: `artifacts {filesystem_only}` works on the filesystem backend; "
            f"ARTIFACTS_BACKEND is {settings.artifacts_backend!r}"
        )
        raise typer.Exit(2)
    try:
        return open_artifact_store(settings, scan=False)
    except StorageError as exc:
        err.print(f"[red]{type(exc).__name__}[/red]: {escape(exc.message)}")
        raise typer.Exit(1) from None


def _storage_errors():
    from .errors import StorageError

    return StorageError


@artifacts_app.command("list")
def artifacts_list(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="Run id (the ADK session id).", show_default=False)],
    stage: Annotated[str | None, typer.Option("--stage", help="Only this stage.")] = None,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Every version, not just the latest.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The artifacts of a run: URI, stage, type, size, checksum."""
    from .units import format_size

    store = _store(ctx)
    try:
        refs = store.list(run_id, stage, all_versions=all_versions)
    except _storage_errors() as exc:
        err.print(f"[red]{type(exc).__name__}[/red]: {escape(exc.message)}")
        raise typer.Exit(1) from None
    finally:
        store.close()
    if as_json:
        out.print_json(data=[r.model_dump(mode="json") for r in refs])
        return
    table = Table(
        "uri", "stage", "type", "size", "sha256", title=f"run {run_id}: {len(refs)} artifact(s)"
    )
    for ref in refs:
        table.add_row(
            ref.uri,
            ref.stage or "",
            ref.artifact_type,
            format_size(ref.size_bytes),
            ref.checksum_sha256[:12],
        )
    out.print(table)


@artifacts_app.command("show")
def artifacts_show(
    ctx: typer.Context,
    uri: Annotated[
        str, typer.Argument(help="artifact+fs:// (or ADK artifact://) URI.", show_default=False)
    ],
    verify: Annotated[
        bool, typer.Option("--verify/--no-verify", help="Check the payload's checksum.")
    ] = True,
) -> None:
    """One artifact's manifest as JSON (with --verify, its checksum checked against the bytes)."""
    store = _store(ctx)
    try:
        ref = store.ref(uri)
        if verify:
            store.read_bytes(uri)
    except _storage_errors() as exc:
        err.print(f"[red]{type(exc).__name__}[/red]: {escape(exc.message)}")
        raise typer.Exit(1) from None
    finally:
        store.close()
    out.print_json(data=ref.model_dump(mode="json"))


@artifacts_app.command("prune")
def artifacts_prune(
    ctx: typer.Context,
    older_than: Annotated[
        str | None, typer.Option("--older-than", help="Age, e.g. 7d, 12h, 90m.")
    ] = None,
    max_bytes: Annotated[
        str | None, typer.Option("--max-bytes", help="Keep at most this much, e.g. 20G.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would go.")] = False,
) -> None:
    """Retention: remove artifact versions older than an age, then the oldest until under a size."""
    from .storage.fs_maintenance import prune, select_prunable
    from .units import format_size, parse_duration, parse_size

    if older_than is None and max_bytes is None:
        err.print("[red]error[/red]: give --older-than and/or --max-bytes")
        raise typer.Exit(2)
    try:
        age = parse_duration(older_than) if older_than is not None else None
        size = parse_size(max_bytes) if max_bytes is not None else None
    except ValueError as exc:
        err.print(f"[red]error[/red]: {escape(str(exc))}")
        raise typer.Exit(2) from None
    store = _store(ctx, filesystem_only="prune")
    try:
        if dry_run:
            doomed = [
                store._to_ref(row)
                for row in select_prunable(store, older_than_s=age, max_bytes=size)
            ]
        else:
            doomed = prune(store, older_than_s=age, max_bytes=size)
    finally:
        store.close()
    verb = "would remove" if dry_run else "removed"
    for ref in doomed:
        out.print(f"{verb} {ref.uri} ({format_size(ref.size_bytes)})")
    out.print(f"{verb} {len(doomed)} version(s), {format_size(sum(r.size_bytes for r in doomed))}")


@artifacts_app.command("check")
def artifacts_check(
    ctx: typer.Context,
    repair: Annotated[
        bool, typer.Option("--repair", help="Delete dangling rows and orphan files.")
    ] = False,
    verify: Annotated[bool, typer.Option("--verify", help="Also checksum every payload.")] = False,
) -> None:
    """Find index rows whose files are gone and files no row owns; exit 1 if any (0 after --repair)."""
    from .storage.fs_maintenance import check
    from .storage.fs_maintenance import repair as do_repair

    store = _store(ctx, filesystem_only="check")
    try:
        report = check(store, verify=verify)
        for item in report.dangling:
            out.print(f"dangling row {item.uri}: missing {', '.join(item.missing)}")
        for path in report.orphans:
            out.print(f"orphan file {path}")
        for uri in report.corrupt:
            out.print(f"corrupt {uri}: payload does not match its checksum")
        for path in report.foreign:
            out.print(f"[dim]foreign file {path} (not the store's layout; left alone)[/dim]")
        out.print(
            f"{len(report.dangling)} dangling row(s), {len(report.orphans)} orphan file(s), "
            f"{len(report.corrupt)} corrupt payload(s) under {store.root}"
        )
        if repair and (report.dangling or report.orphans):
            result = do_repair(store, report)
            out.print(
                f"repaired: removed {result.rows_removed} row(s) and {result.files_removed} file(s)"
            )
            report = check(store, verify=verify)
    finally:
        store.close()
    if report.dangling or report.orphans or report.corrupt:
        raise typer.Exit(1)


# --------------------------------------------------------------------------- review


def _memory(ctx: typer.Context):
    from .storage import MemoryLog, open_database

    return MemoryLog(open_database(_state(ctx).settings()))


RunIdArg = Annotated[str, typer.Argument(help="Run id.", show_default=False)]
ShotOpt = Annotated[int | None, typer.Option("--shot", help="Which shot's keyframe review.")]
GateOpt = Annotated[
    str | None,
    typer.Option("--gate", help="Which gate (script, keyframes), when several are open."),
]
KeyframeOpt = Annotated[
    list[int] | None,
    typer.Option(
        "--keyframe",
        "-k",
        help="Reject only this keyframe (repeatable); the others are kept.",
        min=0,
    ),
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Reviewer's note.")]


@review_app.command("list")
def review_list(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="Run id.", show_default=False)],
) -> None:
    """Open review requests of a run: gate, shot, what to look at, and any decision not yet applied."""
    from .runs.reviews import reviews

    memory = _memory(ctx)
    try:
        found = reviews(run_id, memory=memory)
    finally:
        memory.db.close()
    table = Table(
        "interrupt",
        "gate",
        "shot",
        "keyframes",
        "artifact",
        "decision",
        title=f"run {run_id}: {len(found)} open review(s)",
    )
    for r in found:
        table.add_row(
            r.interrupt_id,
            r.gate,
            "" if r.shot is None else str(r.shot),
            " ".join(map(str, r.keyframes)),
            r.artifact_uri or "",
            r.answered or "waiting",
        )
    out.print(table)
    for r in found:
        out.print(f"{r.interrupt_id}: {escape(r.message)}")


def _decide(
    ctx: typer.Context,
    run_id: str,
    decision: str,
    shot: int | None,
    gate: str | None,
    note: str | None,
    keyframes: list[int] | None = None,
) -> None:
    from .errors import HumanInputRequestError
    from .runs.reviews import record_decision

    memory = _memory(ctx)
    try:
        target = record_decision(
            run_id,
            decision,
            gate=gate,
            shot=shot,
            note=note,
            keyframes=keyframes or None,
            memory=memory,
        )
    except HumanInputRequestError as exc:
        err.print(f"[red]HumanInputRequestError[/red]: {escape(exc.message)}")
        raise typer.Exit(1) from None
    finally:
        memory.db.close()
    verb = {"approve": "approved", "reject": "rejected"}[decision]
    out.print(
        f"{verb} {target.interrupt_id} of run {run_id}; it applies when the run resumes: "
        f"`sparkle-motion resume {run_id}`"
    )


@review_app.command("approve")
def review_approve(
    ctx: typer.Context,
    run_id: RunIdArg,
    shot: ShotOpt = None,
    gate: GateOpt = None,
    note: NoteOpt = None,
) -> None:
    """Approve the run's open review (a `qa_manual_review` memory event)."""
    _decide(ctx, run_id, "approve", shot, gate, note)


@review_app.command("reject")
def review_reject(
    ctx: typer.Context,
    run_id: RunIdArg,
    shot: ShotOpt = None,
    gate: GateOpt = None,
    note: NoteOpt = None,
    keyframe: KeyframeOpt = None,
) -> None:
    """Reject it: rejected keyframes (all, or those named with --keyframe) render again with a
    new seed and are reviewed again; a rejected script ends the run."""
    _decide(ctx, run_id, "reject", shot, gate, note, keyframe)


# --------------------------------------------------------------------------- run control


def _runs(ctx: typer.Context):
    from .runs.lock import Runs
    from .storage import open_database

    settings = _state(ctx).settings()
    return Runs(open_database(settings), ttl_s=settings.lock_ttl_s)


def _control(ctx: typer.Context, run_id: str, control: str | None, done: str) -> None:
    runs = _runs(ctx)
    try:
        row = runs.get(run_id)
        if row is None:
            err.print(f"[red]error[/red]: no run {escape(run_id)}")
            raise typer.Exit(1)
        runs.request(run_id, control)
        out.print(f"run {run_id} ({row.status.value}): {done}")
    finally:
        runs.db.close()


@app.command("pause")
def pause_run(
    run_id: Annotated[str, typer.Argument(help="Run id.", show_default=False)], ctx: typer.Context
) -> None:
    """Pause a running run after its current step (from any process); `resume` lifts it."""
    _control(ctx, run_id, "pause", "pause requested; the current step finishes first")


@app.command("stop")
def stop_run(
    run_id: Annotated[str, typer.Argument(help="Run id.", show_default=False)], ctx: typer.Context
) -> None:
    """Stop a run after its current step; everything finished is kept for a later resume."""
    _control(ctx, run_id, "stop", "stop requested; finished steps are kept")


@app.command("unlock")
def unlock_run(
    run_id: Annotated[str, typer.Argument(help="Run id.", show_default=False)],
    ctx: typer.Context,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Even when the owner looks alive (you know its machine is gone)."
        ),
    ] = False,
) -> None:
    """Let go of the lock of a run whose process died (on another machine: its heartbeat
    is older than SPARKLE_LOCK_TTL_S); a run left running becomes crashed, `resume` goes on."""
    from .errors import RunLockedError

    runs = _runs(ctx)
    try:
        try:
            found = runs.unlock(run_id, force=force)
        except KeyError:
            err.print(f"[red]error[/red]: no run {escape(run_id)}")
            raise typer.Exit(1) from None
        except RunLockedError as exc:
            age = exc.context.get("heartbeat_age_s")
            beat = "" if age is None else f", last heartbeat {age:.0f} s ago"
            err.print(
                f"[red]RunLockedError[/red]: {escape(exc.message)}{beat}; stop it first, or "
                "--force if you know that process is gone"
            )
            raise typer.Exit(3) from None
        after = runs.get(run_id)
    finally:
        runs.db.close()
    if found.owner_pid is None:
        out.print(f"run {run_id} ({found.status.value}): not locked")
        return
    out.print(
        f"run {run_id}: lock of pid {found.owner_pid} on {found.owner_host} released "
        f"({after.status.value}); `sparkle-motion resume {run_id}` continues it"
    )


# --------------------------------------------------------------------------- workflows

GRAPH_DIR = Path(__file__).resolve().parents[2] / "workflows" / "sparkle_motion"


@workflows_app.command("run")
def workflows_run(
    ctx: typer.Context,
    plan: Annotated[Path, typer.Argument(help="A MoviePlan file.", show_default=False)],
    run_id: Annotated[
        str | None, typer.Option("--run-id", help="Session id (default: new).")
    ] = None,
    session_db: Annotated[
        Path | None,
        typer.Option("--session-db", help="ADK session database (default: runs/sessions.db)."),
    ] = None,
) -> None:
    """Run workflows/sparkle_motion/root_agent.yaml with ADK's Runner, as `adk run` does;
    the run id is the ADK session id."""
    import uuid

    from .aio import run_sync

    settings = _state(ctx).settings()
    if not plan.is_file():
        err.print(f"[red]error[/red]: {escape(str(plan))}: no such plan file")
        raise typer.Exit(2)
    run_id = run_id or f"run-{uuid.uuid4().hex[:12]}"
    db_path = session_db or settings.runs_dir / "sessions.db"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    outputs = run_sync(
        _run_graph(GRAPH_DIR / "root_agent.yaml", run_id, settings.user_id, plan.resolve(), db_path)
    )
    failed = False
    for output in outputs:
        stage = output.get("stage", "plan_intake")
        status = output.get("status", "succeeded")
        failed |= status != "succeeded"
        out.print(
            f"{stage}: {status} ({len(output.get('executed', []))} run, {len(output.get('cached', []))} reused)"
            if "executed" in output
            else f"{stage}: {output.get('steps')} steps planned"
        )
    out.print(f"run {run_id}")
    if failed:
        raise typer.Exit(1)
    runs = _runs(ctx)
    try:
        row = runs.get(run_id)
    finally:
        runs.db.close()
    if row is not None and row.status.value == "awaiting_review":
        out.print(
            f"run {run_id}: awaiting review; `sparkle-motion review list {run_id}`, approve or "
            f"reject, then `sparkle-motion resume {run_id}`"
        )
        raise typer.Exit(5)


async def _run_graph(
    graph: Path, run_id: str, user_id: str, plan: Path, db_path: Path
) -> list[dict]:
    from google.adk.agents.config_agent_utils import from_config
    from google.adk.runners import Runner
    from google.adk.sessions.sqlite_session_service import SqliteSessionService
    from google.genai import types

    sessions = SqliteSessionService(db_path=str(db_path))
    runner = Runner(
        app_name="sparkle_motion", agent=from_config(str(graph)), session_service=sessions
    )
    if (
        await sessions.get_session(app_name="sparkle_motion", user_id=user_id, session_id=run_id)
        is None
    ):
        await sessions.create_session(app_name="sparkle_motion", user_id=user_id, session_id=run_id)
    message = types.Content(role="user", parts=[types.Part(text=str(plan))])
    return [
        event.output
        async for event in runner.run_async(user_id=user_id, session_id=run_id, new_message=message)
        if isinstance(event.output, dict) and ("stage" in event.output or "plan_id" in event.output)
    ]


from . import cli_runs  # noqa: E402,F401  (registers run, resume, status, runs list)


def main() -> None:
    # under `python -m sparkle_motion.cli` this module is __main__; the commands in
    # cli_runs register on the importable module's app, so run that one
    from sparkle_motion import cli as canonical

    canonical.app()


if __name__ == "__main__":
    main()
