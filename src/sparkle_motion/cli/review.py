"""`sparkle-motion review`: list a run's open review gates, approve or reject them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ._app import out, review_app, service_errors, state_of

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
def review_list(ctx: typer.Context, run_id: RunIdArg) -> None:
    """Open review requests of a run: gate, shot, what to look at, and any decision not yet applied."""
    from ..production_agent import open_reviews

    with service_errors():
        found = open_reviews(run_id, settings=state_of(ctx).settings())
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
    from ..production_agent import answer_review

    with service_errors():
        target = answer_review(
            run_id,
            decision,  # type: ignore[arg-type]
            gate=gate,
            shot=shot,
            note=note,
            keyframes=keyframes,
            settings=state_of(ctx).settings(),
        )
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
