"""`sparkle-motion run | resume`: the film front door. Each calls the run service
(production_agent) and prints what it returns: `run` makes a film from an idea or a plan,
`resume` goes on from where a run ended. Inspecting and steering runs is control.py.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import (
    SparkleMotionError,
    interrupted,
)
from . import on_sigterm
from ._app import app, err, fail, out, service_errors, state_of
from .control import show_waiting

RunIdArg = Annotated[str, typer.Argument(help="Run id.", show_default=False)]
AdapterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--adapter",
        help="A stage's backend over the profile's, kind=name (tts=piper); repeat it or "
        "comma-separate (tts=piper,lipsync=audio_mux). Default: SPARKLE_ADAPTERS.",
    ),
]


FallbackOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--fallback",
        help="A stage's fallback backend, kind=name (lipsync=audio_mux), tried after the "
        "profile's when its backend fails for good; the one way a full backend falls back to "
        "a preview one. Repeat it or comma-separate. Default: SPARKLE_FALLBACKS.",
    ),
]


def _adapters(
    ctx: typer.Context, given: list[str] | None, fallbacks: list[str] | None = None
) -> None:
    """`--adapter` and `--fallback` values into the settings the command loads (checked
    there, naming them)."""
    for setting, values in (("adapters", given), ("fallbacks", fallbacks)):
        if values:
            items = [part.strip() for each in values for part in each.split(",") if part.strip()]
            state_of(ctx).cli[setting] = items


NoReuseOpt = Annotated[
    bool,
    typer.Option(
        "--no-reuse",
        help="Render every keyframe: no perceptual or semantic reuse of other runs' keyframes "
        "(SPARKLE_DEDUPE=0 for this run, kept by its resumes; finished steps' keys are still "
        "reused).",
    ),
]


def _no_reuse(ctx: typer.Context, given: bool) -> None:
    if given:
        state_of(ctx).cli["dedupe"] = False


OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Also copy the film here.")]
SessionDbOpt = Annotated[
    Path | None,
    typer.Option("--session-db", help="ADK session database (default: runs/sessions.db)."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
STEP_DONE_EVENTS = ("step_completed", "step_cached", "step_failed", "step_skipped")


class _Bar:
    """The run's progress on stderr: steps done of the plan's steps (a RunProgress)."""

    def __init__(self, show: bool) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not (show and err.is_terminal),
        )
        self.task = self.progress.add_task("planning", total=None)

    def event(self, event: Any) -> None:
        step = event.payload.get("step_id", "")
        if event.event_type in STEP_DONE_EVENTS:
            self.progress.update(self.task, advance=1, description=step)
        elif event.event_type == "step_started":
            self.progress.update(self.task, description=f"{step} ...")

    def output(self, output: dict[str, Any]) -> None:
        if "plan_id" in output:
            self.progress.update(self.task, total=output["steps"], description="rendering")


def _report(outcome: Any) -> bool:
    """One line per node output; True when every stage succeeded."""
    ok = True
    intake = outcome.intake
    if intake is not None:
        note = (
            f" (continuing a {intake['resumed_from']} run)"
            if intake.get("resumed_from") not in (None, "pending")
            else ""
        )
        out.print(f"plan_intake: {intake['steps']} steps planned{note}")
        for warning in intake.get("warnings", []):
            err.print(f"[yellow]warning[/yellow]: {escape(warning)}")
    for decision in outcome.decisions:
        if decision.get("run_status") == "rejected":
            out.print("script rejected: the run ended, nothing rendered")
            ok = False
        elif decision.get("decision") != "not_reviewed":
            retake = (
                f", keyframes {decision['retake']} render again" if "retake" in decision else ""
            )
            note = f" ({decision['note']})" if decision.get("note") else ""
            out.print(f"review {decision['review']}: {decision['decision']}{escape(note)}{retake}")
    for stage in outcome.stages:
        ok &= stage["status"] == "succeeded"
        out.print(
            f"{stage['stage']}: {stage['status']} "
            f"({len(stage['executed'])} run, {len(stage['cached'])} reused)"
        )
    return ok


def _film_line(film: Path, manifest: Any) -> str:
    ready = "playback ready" if manifest.playback_ready else "NOT playback ready"
    return f"film: {film} ({manifest.duration_s:.1f} s, {manifest.resolution_px}, {ready})"


def _export(run_id: str, output: Path | None, film: Any, settings: Any) -> tuple[Path, str]:
    """The film's path and what else to say: with `-o`, its verified copy there, and the
    subtitles beside it (`film.srt`) when the run has them."""
    from ..production_agent import export_film, subtitles_of

    if output is None:
        return Path(film.local_path), ""
    with service_errors():
        path = export_film(run_id, output, settings=settings)
        srt = subtitles_of(run_id, settings=settings) is not None
    return path, f"subtitles: {path.with_suffix('.srt')}" if srt else ""


def _finish(handle: Any, output: Path | None, settings: Any) -> None:
    """Print how the run ended and exit with its code."""
    run_id, outcome = handle.run_id, handle.outcome
    if outcome.nothing_to_render:
        film = outcome.film
        path, also = _export(run_id, output, film, settings)
        out.print(f"run {run_id}: finished; every step's output is stored, nothing to render")
        out.print(escape(f"film: {path} ({film.duration_s:.1f} s)"))
        if also:
            out.print(escape(also))
        out.print(f"run {run_id}")
        return
    ok = _report(outcome)
    if outcome.waiting:
        show_waiting(run_id, outcome.waiting)
        raise typer.Exit(5)
    if any(d.get("run_status") == "rejected" for d in outcome.decisions):
        out.print(f"run {run_id}: rejected")
        raise typer.Exit(6)
    stopped = any(s.get("status") == "stopped" for s in outcome.stages)
    if not ok:
        for line in outcome.failures:
            err.print(f"[red]failed[/red] {escape(line)}")
        ended = "stopped" if stopped else "failed"
        out.print(f"run {run_id}: {ended}; `sparkle-motion resume {run_id}` continues it")
        raise typer.Exit(4 if stopped else 1)
    if outcome.film is None:
        fail(f"run {run_id} finished without a video_final manifest", 1)
    film, also = _export(run_id, output, outcome.film, settings)
    out.print(escape(_film_line(film, outcome.film)))
    if also:
        out.print(escape(also))
    out.print(f"run {run_id}")


@contextmanager
def _interruptible(run_id: str, settings: Any) -> Iterator[None]:
    """Ctrl-C or SIGTERM at any moment (planning, loading, rendering, exporting) ends the
    command with one line saying where the run was left, and exit 130."""
    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        try:
            yield
        except Exception as exc:  # an interrupt that Python wrapped (during an import)
            if interrupted(exc):
                raise KeyboardInterrupt from exc
            raise
    except KeyboardInterrupt:
        from ..production_agent import run_status

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # one interrupt, one line: we are leaving
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

        try:
            state = run_status(run_id, settings=settings).status.value
        except SparkleMotionError:
            err.print(f"interrupted before run {run_id} started; nothing was recorded")
        else:
            err.print(
                f"interrupted: run {run_id} {state}; `sparkle-motion resume {run_id}` "
                + ("continues it" if state != "succeeded" else "shows its film")
            )
        raise typer.Exit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def _drive(start: Any, run_id: str | None, output: Path | None, settings: Any) -> None:
    """Call the service, map its typed errors to exit codes, print the ending. This
    process drives one run: its settings are the process's too, so what adapters read
    from the process settings (FFMPEG_PATH, SPARKLE_DEBUG) follows --config."""
    from ..config import use_settings

    use_settings(settings)
    with service_errors():
        handle = start()
    _finish(handle, output, settings)


@app.command("run")
def run_film(
    ctx: typer.Context,
    idea_or_plan: Annotated[
        str, typer.Argument(help="An idea in quotes, or a MoviePlan file.", show_default=False)
    ],
    profile: Annotated[
        str | None, typer.Option("--profile", help="Render profile (beats the plan's).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report steps, time and cost; render nothing.")
    ] = False,
    output: OutputOpt = None,
    run_id: Annotated[str | None, typer.Option("--run-id", help="Run id (default: new).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Planner seed for an idea.")] = None,
    session_db: SessionDbOpt = None,
    quiet: QuietOpt = False,
    review: Annotated[
        str | None,
        typer.Option(
            "--review",
            help="Review gates to pause at, comma-separated: script, keyframes; `none` for "
            "none (default: SPARKLE_REVIEW_GATES).",
        ),
    ] = None,
    adapter: AdapterOpt = None,
    fallback: FallbackOpt = None,
    no_reuse: NoReuseOpt = False,
) -> None:
    """Make a film: idea (or plan) -> plan -> keyframes, voices, clips -> assembled MP4.
    Prints the film's path and the run id."""
    from ..production_agent import new_run_id, plan_source, start_run

    gates = _review_gates(review)
    if profile is not None:
        state_of(ctx).cli["render_profile"] = profile
    _adapters(ctx, adapter, fallback)
    _no_reuse(ctx, no_reuse)
    settings = state_of(ctx).settings()
    if output is not None and output.suffix.lower() != ".mp4":
        fail(f"--output must end in .mp4, got {output}", 2)
    run_id = run_id or new_run_id()
    with _interruptible(run_id, settings):
        with service_errors():
            source = plan_source(idea_or_plan, run_id=run_id, seed=seed, settings=settings)
        if source.summary is not None:
            s = source.summary
            out.print(f"plan: {source.path} ({s.shots} shots, {s.duration_s:g} s)")
        if dry_run:
            with service_errors():
                handle = start_run(source, run_id=run_id, dry=True, settings=settings)
            _dry_report(handle.report)
            return
        _drive(
            lambda: start_run(
                source,
                review=gates,
                run_id=run_id,
                settings=settings,
                session_db=session_db,
                progress=_Bar(not quiet),
            ),
            run_id,
            output,
            settings,
        )


def _review_gates(option: str | None) -> list[str] | None:
    """`--review script,keyframes` as a list ([] for `none`; None: the settings decide)."""
    from ..stages import REVIEW_GATES

    if option is None:
        return None
    names = [n.strip() for n in option.split(",") if n.strip()]
    if names == ["none"]:
        return []
    if not names or any(n not in REVIEW_GATES for n in names):
        fail(f"--review takes {', '.join(REVIEW_GATES)} or none, got {option!r}", 2)
    return list(dict.fromkeys(names))


def _dry_report(report: Any) -> None:
    table = Table(
        "stage",
        "steps",
        "est. time (s)",
        "cached",
        title=f"dry run {report.run_id} ({report.render_profile})",
    )
    for stage, seconds in report.time_by_stage.items():
        steps = [s for s in report.steps if s.stage == stage]
        table.add_row(stage, str(len(steps)), f"{seconds:.1f}", str(sum(s.cached for s in steps)))
    out.print(table)
    costs = Table("stage", "backend", "model", "steps", "min $", "max $", title="cost")
    for row in report.cost_by_model:
        costs.add_row(
            row.stage,
            row.adapter,
            escape(row.model_id or "-"),
            str(row.steps),
            f"{row.min_usd:.4f}",
            f"{row.max_usd:.4f}",
        )
    out.print(costs)
    rates = report.rates_usd_per_hour
    out.print(
        f"total {report.est_total_time_s:.1f} s, peak memory {report.est_peak_memory_mb:.0f} MB, "
        f"cost ${report.est_cost_usd:.4f} to ${report.est_cost_max_usd:.4f} "
        f"(CPU ${rates.get('cpu', 0):g}/h, GPU ${rates.get('gpu', 0):g}/h; docs/COST.md)"
    )
    if report.max_cost_usd is not None:
        spent = f", ${report.spent_usd:.4f} already spent" if report.spent_usd else ""
        verdict = (
            "within it" if report.within_budget else "[red]over it: a run would not start[/red]"
        )
        out.print(f"budget ${report.max_cost_usd:.4f}{spent}: {verdict}")
    for warning in report.policy_warnings:
        err.print(f"[yellow]warning[/yellow] {escape(warning.path)}: {escape(warning.message)}")
    for blocker in report.blockers:
        err.print(f"[red]cannot run[/red] {escape(blocker.message)}")
    if report.blockers:
        raise typer.Exit(2)


@app.command("resume")
def resume_run(
    ctx: typer.Context,
    run_id: RunIdArg,
    from_stage: Annotated[
        str | None,
        typer.Option("--from-stage", help="Render this stage and every later one again."),
    ] = None,
    output: OutputOpt = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Render profile (default: the one the run started with)."),
    ] = None,
    session_db: SessionDbOpt = None,
    quiet: QuietOpt = False,
    adapter: AdapterOpt = None,
    fallback: FallbackOpt = None,
    no_reuse: NoReuseOpt = False,
) -> None:
    """Continue a run: lift a pause, or run a stopped, failed, crashed or finished run again
    from its stored plan (finished steps are reused; `--from-stage` re-renders from there).
    It keeps the per-stage backends it started with unless `--adapter` names others."""
    from ..production_agent import resume_run as resume

    _adapters(ctx, adapter, fallback)
    _no_reuse(ctx, no_reuse)
    settings = state_of(ctx).settings()

    def start() -> Any:
        handle = resume(
            run_id,
            from_stage=from_stage,
            profile=profile,
            settings=settings,
            session_db=session_db,
            progress=_Bar(not quiet),
        )
        if handle.outcome.lifted_pause:
            out.print(f"run {run_id}: resumed")
            raise typer.Exit(0)
        return handle

    with _interruptible(run_id, settings):
        _drive(start, run_id, output, settings)
