"""`sparkle-motion status | runs list | pause | stop | unlock`: look at runs and steer
them from any process, through the run service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.markup import escape

from ..errors import RunLockedError
from ._app import app, columns, err, fail, out, print_json, runs_app, service_errors, state_of
from .plan import plan_summary, plan_table

RunIdArg = Annotated[str, typer.Argument(help="Run id.", show_default=False)]


def show_waiting(run_id: str, waiting: list[Any]) -> None:
    """How to answer the review gates a run is paused at."""
    for review in waiting:
        state = f"answered {review.answered}, " if review.answered else ""
        out.print(f"review {review.gate} ({state}{review.interrupt_id}): {escape(review.message)}")
    out.print(
        f"run {run_id}: awaiting review; `sparkle-motion review approve|reject {run_id}` "
        f"then `sparkle-motion resume {run_id}`"
    )


@app.command("status")
def run_status(ctx: typer.Context, run_id: RunIdArg) -> None:
    """A run's state, its steps by stage, and its film when finished."""
    from ..production_agent import run_status as status

    with service_errors():
        view = status(run_id, settings=state_of(ctx).settings())
    out.print(f"run {run_id}: {view.status.value} (plan {view.plan_id})")
    if view.owner_alive:
        age = view.heartbeat_age_s
        beat = "" if age is None else f", heartbeat {age:.0f} s ago"
        out.print(f"driven by pid {view.owner_pid} on {view.owner_host}{beat}")
    plan = _stored_plan(ctx, run_id)
    if plan is not None:
        out.print(escape(plan_summary(plan)))
    if view.reviews:
        show_waiting(run_id, view.reviews)
    if plan is not None and any(r.gate == "script" for r in view.reviews):
        out.print(plan_table(plan))  # what the script review is about
    if view.steps_by_stage:
        # plain columns, every figure whole (a pipe or a narrow terminal cut a table's)
        rows = []
        for stage, counts in view.steps_by_stage.items():
            m = view.metrics.get(stage, {})
            rows.append(
                (
                    stage,
                    *(
                        str(counts.get(k, 0))
                        for k in ("succeeded", "cached", "failed", "skipped", "running")
                    ),
                    str(m.get("retries", 0)),
                    f"{m.get('seconds', 0.0):.1f}",
                    f"{m.get('cost_usd', 0.0):.6f}",
                )
            )
        columns(
            (
                "STAGE",
                "SUCCEEDED",
                "REUSED",
                "FAILED",
                "SKIPPED",
                "RUNNING",
                "RETRIES",
                "SECONDS",
                "USD",
            ),
            rows,
        )
        out.print(f"cost so far ${view.cost_usd:.4f}" + budget_line(view.budget))
    else:
        out.print("no step has run yet")
    for line in view.failures:
        err.print(f"[red]failed[/red] {escape(line[:600])}")
    if view.film is not None:
        out.print(f"film: {view.film.local_path} ({view.film.duration_s:.1f} s)")


def budget_line(budget: dict[str, Any] | None) -> str:
    if budget is None:
        return ""
    said = (
        " (it stopped the run: resume with a higher SPARKLE_MAX_COST_USD)"
        if budget["stopped"]
        else ""
    )
    return f" of a ${budget['limit_usd']:.4f} budget{said}"


def _stored_plan(ctx: typer.Context, run_id: str) -> Any:
    """The MoviePlan stored with the run (None while an idea is still being written, or
    when the stored text no longer reads as a plan: `status` shows the rest regardless)."""
    from pydantic import ValidationError

    from ..errors import SparkleMotionError
    from ..production_agent import plan_of
    from ..schemas import MoviePlan

    try:
        found = plan_of(run_id, settings=state_of(ctx).settings())
        return MoviePlan.model_validate(found) if found is not None else None
    except (SparkleMotionError, ValidationError):
        return None


@runs_app.command("list")
def runs_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many.")] = 20,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="A JSON array: run_id, plan_id, status, render_profile, owner_pid, "
            "created_at, updated_at (epoch seconds), cost_usd, as GET /runs answers.",
        ),
    ] = False,
) -> None:
    """Recent runs, newest first: id, status, plan, profile, last update. Ids are printed
    whole, whatever the terminal's width (copy one into `status`, `resume`...)."""
    from ..production_agent import list_runs

    settings = state_of(ctx).settings()
    with service_errors():
        rows = list_runs(limit, settings=settings)
    if as_json:
        print_json([{key: r[key] for key in RUN_FIELDS} for r in rows])
        return
    if not rows:  # runs live in the state home, not the working directory: say which
        out.print(escape(f"no runs in {settings.db_path} (state home {settings.home})"))
        return
    columns(
        ("RUN", "STATUS", "PLAN", "PROFILE", "UPDATED"),
        [
            (
                r["run_id"],
                r["status"],
                r["plan_id"],
                r["render_profile"] or "-",
                datetime.fromtimestamp(r["updated_at"]).strftime("%Y-%m-%d %H:%M:%S"),
            )
            for r in rows
        ],
    )


@runs_app.command("cost")
def runs_cost(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="The run.")],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="An object: run_id, total_usd, by_stage {stage: USD}, by_model [{stage, "
            "adapter, model_id, steps, reused, usd}], budget (limit_usd, spent_usd, stopped).",
        ),
    ] = False,
) -> None:
    """What a run's steps cost: each step's seconds at the machine-hour rate of the device
    it ran on (docs/COST.md), by stage and by backend and model; a reused step costs
    nothing."""
    from ..production_agent import run_cost

    settings = state_of(ctx).settings()
    with service_errors():
        found = run_cost(run_id, settings=settings)
    if as_json:
        print_json(found)
        return
    columns(
        ("STAGE", "BACKEND", "MODEL", "RAN", "REUSED", "USD"),
        [
            (
                m["stage"],
                m["adapter"],
                m["model_id"] or "-",
                str(m["steps"]),
                str(m["reused"]),
                f"{m['usd']:.6f}",
            )
            for m in found["by_model"]
        ],
    )
    out.print(f"total ${found['total_usd']:.6f}")
    budget = found["budget"]
    if budget is not None:
        said = "; it stopped the run" if budget["stopped"] else ""
        out.print(f"budget ${budget['limit_usd']:.4f}, ${budget['spent_usd']:.6f} spent{said}")


# `runs list --json`: each run's fields, the shape of the API's GET /runs (docs/CLI.md)
RUN_FIELDS = (
    "run_id",
    "plan_id",
    "status",
    "render_profile",
    "owner_pid",
    "created_at",
    "updated_at",
    "cost_usd",
)


def _control(ctx: typer.Context, run_id: str, verb: str, done: str) -> None:
    from .. import production_agent

    with service_errors():
        row = getattr(production_agent, f"{verb}_run")(run_id, settings=state_of(ctx).settings())
    out.print(f"run {run_id} ({row.status.value}): {done}")


@app.command("pause")
def pause_run(run_id: RunIdArg, ctx: typer.Context) -> None:
    """Pause a running run after its current step (from any process); `resume` lifts it."""
    _control(ctx, run_id, "pause", "pause requested; the current step finishes first")


@app.command("stop")
def stop_run(run_id: RunIdArg, ctx: typer.Context) -> None:
    """Stop a run after its current step; everything finished is kept for a later resume."""
    _control(ctx, run_id, "stop", "stop requested; finished steps are kept")


@app.command("unlock")
def unlock_run(
    run_id: RunIdArg,
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
    from ..production_agent import unlock_run as unlock

    with service_errors():
        try:
            found, after = unlock(run_id, force=force, settings=state_of(ctx).settings())
        except RunLockedError as exc:  # says how to go on
            age = exc.context.get("heartbeat_age_s")
            beat = "" if age is None else f", last heartbeat {age:.0f} s ago"
            exc.message += f"{beat}; stop it first, or --force if you know that process is gone"
            fail(exc, 3)
    if found.owner_pid is None:
        out.print(f"run {run_id} ({found.status.value}): not locked")
        return
    out.print(
        f"run {run_id}: lock of pid {found.owner_pid} on {found.owner_host} released "
        f"({after.status.value}); `sparkle-motion resume {run_id}` continues it"
    )
