"""`sparkle-motion review`: list a run's open review gates, approve or reject them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ._app import out, print_json, review_app, service_errors, state_of

if TYPE_CHECKING:
    from ..runs.reviews import PendingReview

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
    run_id: RunIdArg,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="A JSON array: interrupt_id, request_id, gate, shot, keyframes, retaken, "
            "kept, artifact_uri, answered, message.",
        ),
    ] = False,
) -> None:
    """Open review requests of a run: gate, shot, the keyframes asked about (those new since
    a rejection marked), what to look at, and any decision not yet applied."""
    from ..production_agent import open_reviews

    with service_errors():
        found = open_reviews(run_id, settings=state_of(ctx).settings())
    if as_json:
        print_json([review_json(r) for r in found])
        return
    table = Table(title=f"run {run_id}: {len(found)} open review(s)")
    table.add_column("interrupt", no_wrap=True)
    for name in ("gate", "shot", "keyframes"):
        table.add_column(name)
    table.add_column("artifact", overflow="fold")  # a path to open: wrapped, never cut
    table.add_column("decision")
    for r in found:
        table.add_row(
            r.interrupt_id,
            r.gate,
            "" if r.shot is None else str(r.shot),
            " ".join(f"{k} (new)" if k in r.retaken else str(k) for k in r.keyframes),
            escape(r.artifact_uri or ""),
            r.answered or "waiting",
        )
    out.print(table)
    for r in found:
        out.print(f"{r.interrupt_id}: {escape(r.message)}")


def review_json(review: PendingReview) -> dict[str, Any]:
    """`review list --json`: one open review (docs/CLI.md)."""
    return {
        "interrupt_id": review.interrupt_id,
        "request_id": review.request_id,
        "gate": review.gate,
        "shot": review.shot,
        "keyframes": list(review.keyframes),
        "retaken": list(review.retaken),
        "kept": list(review.kept),
        "artifact_uri": review.artifact_uri,
        "answered": review.answered,
        "message": review.message,
    }


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
