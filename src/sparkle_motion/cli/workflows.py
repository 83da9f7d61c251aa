"""`sparkle-motion workflows run PLAN`: the production graph with ADK's Runner, as
`adk run workflows/sparkle_motion` walks it (ADK has no `adk workflows` command). No
progress bar, no prewarm: the graph's nodes as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ._app import fail, out, state_of, workflows_app


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
    from ..aio import run_sync
    from ..errors import RunRequestError
    from ..graph.runner import build_runner, drive
    from ..production_agent import new_run_id, run_status
    from ..schemas.common import check_run_id
    from ..storage import MemoryLog, open_database

    settings = state_of(ctx).settings()
    if not plan.is_file():
        fail(f"{plan}: no such plan file", 2)
    try:
        run_id = check_run_id(run_id) if run_id else new_run_id()
    except RunRequestError as exc:
        fail(exc, 2)
    runner = build_runner(session_db or settings.runs_dir / "sessions.db")
    db = open_database(settings)
    try:
        result = run_sync(
            drive(
                runner,
                run_id=run_id,
                user_id=settings.user_id,
                message=str(plan.resolve()),
                memory=MemoryLog(db),
            )
        )
    finally:
        db.close()
    failed = False
    for output in result.outputs:
        if "review" in output:
            continue
        stage = output.get("stage", "plan_intake")
        status = output.get("status", "succeeded")
        failed |= status != "succeeded"
        out.print(
            f"{stage}: {status} ({len(output.get('executed', []))} run, "
            f"{len(output.get('cached', []))} reused)"
            if "executed" in output
            else f"{stage}: {output.get('steps')} steps planned"
        )
    film = next((o["film"] for o in result.outputs if o.get("film")), None)
    if film is not None:
        out.print(escape(f"film: {film}"))
    out.print(f"run {run_id}")
    if failed:
        raise typer.Exit(1)
    if run_status(run_id, settings=settings).status.value == "awaiting_review":
        out.print(
            f"run {run_id}: awaiting review; `sparkle-motion review list {run_id}`, approve or "
            f"reject, then `sparkle-motion resume {run_id}`"
        )
        raise typer.Exit(5)
