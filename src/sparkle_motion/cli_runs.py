"""`sparkle-motion run | resume | status | runs list`: the film front door.

`run IDEA_OR_PLAN` writes a plan with script_agent when given an idea, then drives the
production graph (workflows/sparkle_motion/root_agent.yaml) with ADK's Runner, the same
graph `adk run workflows/sparkle_motion` walks, showing progress from the run's memory
events, and ends by printing the film's path and the run id. `resume RUN_ID` lifts a
pause, or runs a stopped, failed or crashed run again from the plan stored with it:
every finished step is reused by its key, and `--from-stage` forces a stage and all
later ones to render again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import threading
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from .cli import GRAPH_DIR, _runs, _state, app, err, out, runs_app
from .errors import PlanError, RunLockedError, SparkleMotionError

STEP_DONE_EVENTS = ("step_completed", "step_cached", "step_failed", "step_skipped")


def _film_manifest(settings: Any, run_id: str) -> dict[str, Any] | None:
    """The run's video_final manifest, when finalize succeeded."""
    from .plans.ids import FINALIZE_STEP_ID
    from .runs.records import StepRecords
    from .storage import open_artifact_store, open_database

    db = open_database(settings)
    try:
        record = StepRecords(db).get(run_id, FINALIZE_STEP_ID)
    finally:
        db.close()
    if record is None or not record.artifacts or record.status.value not in ("succeeded", "cached"):
        return None
    store = open_artifact_store(settings, scan=False)
    try:
        return json.loads(store.read_bytes(record.artifacts[0].uri))
    finally:
        store.close()


def _export(film: Path, dest: Path, checksum: str) -> None:
    """Copy the film to `dest` atomically (temp file, fsync, rename) and verify it."""
    from .storage.fs_store import sha256_file

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        with film.open("rb") as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        if sha256_file(tmp)[0] != checksum:
            raise SparkleMotionError(f"copy of {film} to {dest} does not match its checksum")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


async def _drive(
    message: str, run_id: str, settings: Any, db_path: Path, show: bool, answers: bool = False
) -> tuple[list[dict], list[Any]]:
    """Run the graph on session `run_id`; a progress bar follows the run's step events.
    With `answers`, a session paused at review gates is resumed with the recorded decisions
    instead of `message` (nothing runs while a gate still waits for one). Returns the nodes'
    outputs and the reviews the run is left waiting for."""
    from google.adk.agents.config_agent_utils import from_config
    from google.adk.runners import Runner
    from google.adk.sessions.sqlite_session_service import SqliteSessionService
    from google.genai import types
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .review_gate import answer_parts, open_interrupts
    from .runs.reviews import reviews
    from .storage import MemoryLog, open_database

    user = settings.user_id
    sessions = SqliteSessionService(db_path=str(db_path))
    runner = Runner(
        app_name="sparkle_motion",
        agent=from_config(str(GRAPH_DIR / "root_agent.yaml")),
        session_service=sessions,
    )
    session = await sessions.get_session(app_name="sparkle_motion", user_id=user, session_id=run_id)
    if session is None:
        await sessions.create_session(app_name="sparkle_motion", user_id=user, session_id=run_id)
    db = open_database(settings)
    log = MemoryLog(db)

    def waiting_for(session: Any) -> list[Any]:
        keys = open_interrupts(session) if session is not None else set()
        return [r for r in reviews(run_id, memory=log) if r.interrupt_id in keys]

    message_content = types.Content(role="user", parts=[types.Part(text=message)])
    keys = open_interrupts(session) if answers and session is not None else set()
    if keys:
        parts = [p for p in answer_parts(run_id, memory=log) if p.function_response.id in keys]
        if not parts:  # paused at a gate nobody has answered yet
            try:
                return [], waiting_for(session)
            finally:
                db.close()
        message_content = types.Content(role="user", parts=parts)
    last = max((e.id for e in log.list(run_id)), default=0)
    outputs: list[dict] = []
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not (show and err.is_terminal),
    )
    task = progress.add_task("planning", total=None)

    async def follow() -> None:
        nonlocal last
        while True:
            for event in log.list(run_id, after_id=last):
                last = event.id
                if event.event_type in STEP_DONE_EVENTS:
                    progress.update(task, advance=1, description=event.payload.get("step_id", ""))
                elif event.event_type == "step_started":
                    progress.update(task, description=f"{event.payload.get('step_id')} ...")
            await asyncio.sleep(0.25)

    with progress:
        follower = asyncio.create_task(follow())
        try:
            async for event in runner.run_async(
                user_id=user, session_id=run_id, new_message=message_content
            ):
                data = event.output
                if isinstance(data, dict) and ({"stage", "plan_id", "review"} & set(data)):
                    outputs.append(data)
                    if "plan_id" in data:
                        progress.update(task, total=data["steps"], description="rendering")
            session = await sessions.get_session(
                app_name="sparkle_motion", user_id=user, session_id=run_id
            )
            return outputs, waiting_for(session)
        except asyncio.CancelledError:  # Ctrl-C: asyncio cancels this task first
            from .commands import cancel_all

            cancel_all()  # stage threads stop: their commands die, no new step starts
            raise
        finally:
            follower.cancel()
            db.close()


def _report(outputs: list[dict], run_id: str) -> bool:
    """Print one line per stage; True when every stage succeeded."""
    ok = True
    for output in outputs:
        if "plan_id" in output:
            note = (
                f" (continuing a {output['resumed_from']} run)"
                if output.get("resumed_from") not in (None, "pending")
                else ""
            )
            out.print(f"plan_intake: {output['steps']} steps planned{note}")
            for warning in output.get("warnings", []):
                err.print(f"[yellow]warning[/yellow]: {escape(warning)}")
            continue
        if "review" in output:
            if output.get("run_status") == "rejected":
                out.print("script rejected: the run ended, nothing rendered")
                ok = False
            elif output.get("decision") != "not_reviewed":
                retake = (
                    f", keyframes {output['retake']} render again" if "retake" in output else ""
                )
                note = f" ({output['note']})" if output.get("note") else ""
                out.print(f"review {output['review']}: {output['decision']}{escape(note)}{retake}")
            continue
        ok &= output["status"] == "succeeded"
        out.print(
            f"{output['stage']}: {output['status']} "
            f"({len(output['executed'])} run, {len(output['cached'])} reused)"
        )
    return ok


def _waiting(run_id: str, waiting: list[Any]) -> None:
    """How to answer the review gates a run is paused at."""
    for review in waiting:
        state = f"answered {review.answered}, " if review.answered else ""
        out.print(f"review {review.gate} ({state}{review.interrupt_id}): {escape(review.message)}")
    out.print(
        f"run {run_id}: awaiting review; `sparkle-motion review approve|reject {run_id}` "
        f"then `sparkle-motion resume {run_id}`"
    )


def _failures(settings: Any, run_id: str) -> list[str]:
    from .runs.records import StepRecords
    from .storage import open_database

    db = open_database(settings)
    try:
        return [
            f"{r.step_id}: {r.error.message}"
            for r in StepRecords(db).list(run_id)
            if r.status.value == "failed" and r.error is not None
        ]
    finally:
        db.close()


def execute_run(
    ctx: typer.Context,
    message: str,
    run_id: str,
    *,
    output: Path | None,
    session_db: Path | None,
    quiet: bool = False,
    answers: bool = False,
) -> None:
    from .aio import run_sync
    from .config import use_settings
    from .runs.lock import Runs
    from .schemas import RunStatus
    from .storage import open_database

    settings = _state(ctx).settings()
    use_settings(settings)
    db_path = session_db or settings.runs_dir / "sessions.db"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # Claim the run before ADK touches its session: a second process on the same run must
    # not append to the session the first one is writing. The graph's plan_intake takes
    # the same lock again (same process) and records the plan.
    db = open_database(settings)
    runs = Runs(db)
    before = runs.get(run_id)
    try:
        runs.create(run_id, "")
        runs.acquire(run_id)
    except RunLockedError as exc:
        db.close()
        err.print(f"[red]RunLockedError[/red]: {escape(exc.message)}")
        raise typer.Exit(3) from None
    try:
        outputs, waiting = run_sync(
            _drive(message, run_id, settings, db_path, show=not quiet, answers=answers)
        )
    except KeyboardInterrupt:
        from .commands import cancel_all

        cancel_all()
        runs.set_status(run_id, RunStatus.STOPPED)
        err.print(
            f"interrupted: run {run_id} stopped; `sparkle-motion resume {run_id}` continues it"
        )
        raise typer.Exit(130) from None
    except PlanError as exc:  # rejected at intake: nothing rendered
        # a new run is failed; an earlier one keeps the state it had
        runs.set_status(run_id, RunStatus.FAILED if before is None else before.status)
        err.print(f"[red]{type(exc).__name__}[/red]: {escape(str(exc))}")
        raise typer.Exit(2) from None
    finally:
        runs.release(run_id)  # no-op when finalize already let it go
        db.close()
    ok = _report(outputs, run_id)
    if waiting:
        _waiting(run_id, waiting)
        raise typer.Exit(5)
    if any(o.get("run_status") == "rejected" for o in outputs):
        out.print(f"run {run_id}: rejected")
        raise typer.Exit(6)
    stopped = any(o.get("status") == "stopped" for o in outputs)
    if not ok:
        for line in _failures(settings, run_id):
            err.print(f"[red]failed[/red] {escape(line)}")
        out.print(
            f"run {run_id}: {'stopped' if stopped else 'failed'}; `sparkle-motion resume {run_id}` continues it"
        )
        raise typer.Exit(4 if stopped else 1)
    manifest = _film_manifest(settings, run_id)
    if manifest is None:
        err.print(f"[red]error[/red]: run {run_id} finished without a video_final manifest")
        raise typer.Exit(1)
    film = Path(manifest["local_path"])
    if output is not None:
        _export(film, output, manifest["checksum_sha256"])
        film = output.resolve()
    out.print(
        f"film: {film} ({manifest['duration_s']:.1f} s, {manifest['resolution_px']}, "
        f"{'playback ready' if manifest['playback_ready'] else 'NOT playback ready'})"
    )
    out.print(f"run {run_id}")


@app.command("run")
def run_film(
    ctx: typer.Context,
    idea_or_plan: Annotated[
        str, typer.Argument(help="An idea in quotes, or a MoviePlan file.", show_default=False)
    ],
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Render profile (preview, full); beats the plan's."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report steps, time and cost; render nothing.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also copy the film here.")
    ] = None,
    run_id: Annotated[str | None, typer.Option("--run-id", help="Run id (default: new).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Planner seed for an idea.")] = None,
    session_db: Annotated[
        Path | None,
        typer.Option("--session-db", help="ADK session database (default: runs/sessions.db)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    review: Annotated[
        str | None,
        typer.Option(
            "--review",
            help="Review gates to pause at, comma-separated: script, keyframes; `none` for "
            "none (default: SPARKLE_REVIEW_GATES).",
        ),
    ] = None,
) -> None:
    """Make a film: idea (or plan) -> plan -> keyframes, voices, clips -> assembled MP4.
    Prints the film's path and the run id."""
    gates = _review_gates(review)
    if profile is not None:
        _state(ctx).cli["render_profile"] = profile
    settings = _state(ctx).settings()
    run_id = run_id or f"run-{uuid.uuid4().hex[:12]}"
    if output is not None and output.suffix.lower() != ".mp4":
        err.print(f"[red]error[/red]: --output must end in .mp4, got {escape(str(output))}")
        raise typer.Exit(2)
    path = Path(idea_or_plan)
    one_line = "\n" not in idea_or_plan
    try:  # a long idea is not a path (the OS refuses over-long names)
        is_file = one_line and path.is_file()
    except OSError:
        is_file = False
    if one_line and path.suffix.lower() in (".json", ".yaml", ".yml") and not is_file:
        err.print(f"[red]error[/red]: {escape(idea_or_plan)}: no such plan file")
        raise typer.Exit(2)
    plan_path = path.resolve() if is_file else _write_plan(settings, idea_or_plan, run_id, seed)
    if dry_run:
        _dry_run(settings, plan_path, run_id)
        return
    gated = "script" in (settings.review_gates if gates is None else gates)
    warming = (  # behind a script review nothing renders in this command: load nothing
        []
        if gated
        else _prewarm(settings, plan_path.read_text(encoding="utf-8"), run_id, plan_path.parent)[0]
    )
    from .stage_node import run_request

    try:
        execute_run(
            ctx,
            run_request(plan_path, review=gates),
            run_id,
            output=output,
            session_db=session_db,
            quiet=quiet,
        )
    finally:
        _join(warming)


def _review_gates(option: str | None) -> list[str] | None:
    """`--review script,keyframes` as a list ([] for `none`; None: the settings decide)."""
    if option is None:
        return None
    names = [n.strip() for n in option.split(",") if n.strip()]
    if names == ["none"]:
        return []
    from .stage_node import REVIEW_GATES

    unknown = [n for n in names if n not in REVIEW_GATES]
    if unknown or not names:
        err.print(
            f"[red]error[/red]: --review takes {', '.join(REVIEW_GATES)} or none, "
            f"got {escape(option)!r}"
        )
        raise typer.Exit(2)
    return list(dict.fromkeys(names))


def _prewarm(
    settings: Any, plan_text: str, run_id: str, base_dir: Path | None
) -> tuple[list, bool]:
    """Start the slow loads (the piper voice) before ADK is even imported, for the stages
    that will really render: a dry run over the step keys says which (about 0.1 s), so a
    resume whose voices are all done loads nothing. Also says whether every step's output
    is already stored (nothing to render)."""
    from .adapters.registry import STAGE_KIND_OF_STEP, adapter_named
    from .production_agent import execute_plan
    from .storage import open_artifact_store

    store = open_artifact_store(settings, scan=False)
    try:
        report = execute_plan(
            plan_text, "dry", run_id=run_id, settings=settings, base_dir=base_dir, store=store
        )
    except SparkleMotionError:
        return [], False  # plan intake reports it, typed
    finally:
        store.close()
    names = {s.adapter for s in report.steps if not s.cached and s.step_type in STAGE_KIND_OF_STEP}
    threads = []
    for name in sorted(names):
        with contextlib.suppress(SparkleMotionError):
            adapter = adapter_named(name)
            if callable(getattr(adapter, "prewarm", None)):
                thread = threading.Thread(target=_quietly, args=(adapter.prewarm,), daemon=True)
                thread.start()
                threads.append(thread)
    return threads, bool(report.steps) and all(s.cached for s in report.steps)


def _decided(ctx: typer.Context, run_id: str) -> bool:
    """Some open review of the run has a decision waiting to be applied."""
    from .runs.reviews import reviews
    from .storage import MemoryLog

    runs = _runs(ctx)
    try:
        return any(r.answered for r in reviews(run_id, memory=MemoryLog(runs.db)))
    finally:
        runs.db.close()


def _join(threads: list) -> None:
    """A native load must not be torn down mid-way at interpreter exit."""
    for thread in threads:
        thread.join()


def _quietly(fn: Any) -> None:
    with contextlib.suppress(Exception):  # the step that needs it reports the failure, typed
        fn()


def _write_plan(settings: Any, idea: str, run_id: str, seed: int | None) -> Path:
    from .plans.files import write_plan_file
    from .script_agent import generate_plan

    try:
        result = generate_plan(idea, seed=seed, settings=settings, run_id=run_id, publish=False)
    except PlanError as exc:
        err.print(f"[red]{type(exc).__name__}[/red]: {escape(str(exc))}")
        raise typer.Exit(2) from None
    plan_path = write_plan_file(result.plan, Path(settings.runs_dir) / run_id / "plan.json")
    out.print(
        f"plan: {plan_path} ({len(result.plan.shots)} shots, {result.plan.total_duration_s:g} s)"
    )
    return plan_path


def _dry_run(settings: Any, plan_path: Path, run_id: str) -> None:
    from .production_agent import execute_plan

    try:
        report = execute_plan(
            plan_path.read_text(encoding="utf-8"),
            "dry",
            run_id=run_id,
            settings=settings,
            base_dir=plan_path.parent,
        )
    except PlanError as exc:
        err.print(f"[red]{type(exc).__name__}[/red]: {escape(str(exc))}")
        raise typer.Exit(2) from None
    table = Table(
        "stage",
        "steps",
        "est. time (s)",
        "cached",
        title=f"dry run {run_id} ({report.render_profile})",
    )
    for stage, seconds in report.time_by_stage.items():
        steps = [s for s in report.steps if s.stage == stage]
        table.add_row(stage, str(len(steps)), f"{seconds:.1f}", str(sum(s.cached for s in steps)))
    out.print(table)
    out.print(
        f"total {report.est_total_time_s:.1f} s, peak memory {report.est_peak_memory_mb:.0f} MB, "
        f"cost ${report.est_cost_usd:.2f}"
    )
    for warning in report.policy_warnings:
        err.print(f"[yellow]warning[/yellow] {escape(warning.path)}: {escape(warning.message)}")


@app.command("resume")
def resume_run(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="Run id.", show_default=False)],
    from_stage: Annotated[
        str | None,
        typer.Option("--from-stage", help="Render this stage and every later one again."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also copy the film here.")
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Render profile (default: the one the run started with)."),
    ] = None,
    session_db: Annotated[
        Path | None,
        typer.Option("--session-db", help="ADK session database (default: runs/sessions.db)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Continue a run: lift a pause, or run a stopped, failed, crashed or finished run again
    from its stored plan (finished steps are reused; `--from-stage` re-renders from there)."""
    from .runs.engine import forced_stages
    from .schemas import RunStatus
    from .stage_node import run_request

    try:
        forced_stages(from_stage)
    except ValueError as exc:
        err.print(f"[red]error[/red]: {escape(str(exc))}")
        raise typer.Exit(2) from None
    runs = _runs(ctx)
    try:
        row = runs.get(run_id)
        if row is None:
            err.print(f"[red]error[/red]: no run {escape(run_id)}")
            raise typer.Exit(1)
        live = row.owner_alive(ttl_s=runs.ttl_s)
        paused = row.status is RunStatus.PAUSED or runs.control(run_id) == "pause"
        if live and paused and from_stage is None:  # its process waits at the gate: let it go
            runs.request(run_id, None)
            out.print(f"run {run_id}: resumed")
            return
        if live:
            err.print(
                f"[red]RunLockedError[/red]: run {escape(run_id)} is being driven by pid "
                f"{row.owner_pid} on {row.owner_host}; stop it before running it again "
                "(`sparkle-motion unlock` if that process is gone)"
            )
            raise typer.Exit(3)
        if paused:  # nobody waits at the gate: the request is settled by running again
            runs.request(run_id, None)
        plan_text = row.metadata.get("plan_text")
        base_dir = row.metadata.get("base_dir")
        gates = row.metadata.get("review_gates")
        started_with = row.metadata.get("profile")
        if (
            profile is not None
            and started_with
            and profile != started_with
            and from_stage is None
            and row.status is RunStatus.AWAITING_REVIEW
        ):
            err.print(
                f"[red]error[/red]: --profile: run {escape(run_id)} waits at a review gate and "
                f"goes on from there with its profile ({started_with}); add --from-stage to "
                f"render again with {escape(profile)}"
            )
            raise typer.Exit(2)
        if profile is None and started_with:
            profile = started_with  # the profile the run was started with
    finally:
        runs.db.close()
    if not plan_text:
        err.print(
            f"[red]error[/red]: run {escape(run_id)} has no stored plan; run it with `sparkle-motion run PLAN --run-id {escape(run_id)}`"
        )
        raise typer.Exit(2)
    try:
        plan: Any = json.loads(plan_text)
    except json.JSONDecodeError:
        plan = plan_text  # YAML: sent as text
    message = run_request(
        plan if isinstance(plan, dict) else plan_text,
        from_stage=from_stage,
        base_dir=Path(base_dir) if base_dir else None,
        review=gates,
    )
    if profile is not None:
        _state(ctx).cli["render_profile"] = profile
    settings = _state(ctx).settings()
    if from_stage is None and row.status is RunStatus.AWAITING_REVIEW and not _decided(ctx, run_id):
        warming, done = [], False  # nothing will render until someone decides: load nothing
    else:
        warming, done = _prewarm(settings, plan_text, run_id, Path(base_dir) if base_dir else None)
    if done and from_stage is None and row.status is RunStatus.SUCCEEDED:
        # a finished run whose every output is stored: nothing to render, no graph to load
        manifest = _film_manifest(settings, run_id)
        if manifest is not None:
            film = Path(manifest["local_path"])
            from .storage.fs_store import sha256_file

            if film.is_file() and sha256_file(film)[0] == manifest["checksum_sha256"]:
                if output is not None:
                    _export(film, output, manifest["checksum_sha256"])
                    film = output.resolve()
                out.print(
                    f"run {run_id}: finished; every step's output is stored, nothing to render"
                )
                out.print(f"film: {film} ({manifest['duration_s']:.1f} s)")
                out.print(f"run {run_id}")
                return
    try:
        execute_run(
            ctx,
            message,
            run_id,
            output=output,
            session_db=session_db,
            quiet=quiet,
            answers=from_stage is None,  # a run paused at a review goes on with the decisions
        )
    finally:
        _join(warming)


@app.command("status")
def run_status(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="Run id.", show_default=False)],
) -> None:
    """A run's state, its steps by stage, and its film when finished."""
    from .runs.records import StepRecords
    from .schemas import RunStatus

    settings = _state(ctx).settings()
    runs = _runs(ctx)
    try:
        row = runs.get(run_id)
        if row is None:
            err.print(f"[red]error[/red]: no run {escape(run_id)}")
            raise typer.Exit(1)
        status = row.status
        if (
            status in (RunStatus.RUNNING, RunStatus.PAUSED)
            and row.owner_pid
            and not row.owner_alive(ttl_s=runs.ttl_s)
        ):
            status = RunStatus.CRASHED
        records = StepRecords(runs.db).list(run_id)
        from .runs.reviews import reviews
        from .storage import MemoryLog

        waiting = reviews(run_id, memory=MemoryLog(runs.db))  # also beside a failed stage
    finally:
        runs.db.close()
    out.print(f"run {run_id}: {status.value} (plan {row.plan_id})")
    if row.owner_alive(ttl_s=runs.ttl_s):
        age = row.heartbeat_age()
        beat = "" if age is None else f", heartbeat {age:.0f} s ago"
        out.print(f"driven by pid {row.owner_pid} on {row.owner_host}{beat}")
    if waiting:
        _waiting(run_id, waiting)
    table = Table("stage", "succeeded", "reused", "failed", "skipped", "running")
    by_stage: dict[str, dict[str, int]] = {}
    for record in records:
        counts = by_stage.setdefault(record.stage, {})
        counts[record.status.value] = counts.get(record.status.value, 0) + 1
    for stage, counts in by_stage.items():
        table.add_row(
            stage,
            *(
                str(counts.get(k, 0))
                for k in ("succeeded", "cached", "failed", "skipped", "running")
            ),
        )
    out.print(table)
    for record in records:
        if record.error is not None and record.status.value == "failed":
            err.print(
                f"[red]failed[/red] {escape(record.step_id)}: {escape(record.error.message[:500])}"
            )
    manifest = _film_manifest(settings, run_id)
    if manifest is not None:
        out.print(f"film: {manifest['local_path']} ({manifest['duration_s']:.1f} s)")


@runs_app.command("list")
def runs_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many.")] = 20,
) -> None:
    """Recent runs, newest first."""
    from datetime import datetime

    runs = _runs(ctx)
    try:
        rows = runs.list(limit)
    finally:
        runs.db.close()
    table = Table("run", "status", "plan", "profile", "updated")
    for r in rows:
        table.add_row(
            r["run_id"],
            r["status"],
            r["plan_id"],
            r["render_profile"] or "",
            datetime.fromtimestamp(r["updated_at"]).strftime("%Y-%m-%d %H:%M:%S"),
        )
    out.print(table)
