"""Review bookkeeping in the run's memory log, without ADK (the CLI's `review` and
`status` commands load no agent framework): what a run's gates asked (`review_requested`),
what people decided (`qa_manual_review`) and what the graph applied (`review_applied`).
The workflow side, which pauses and resumes ADK sessions, is `review_gate.py`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..errors import HumanInputRequestError

DECISIONS = {"approve": "approved", "reject": "rejected"}
REQUESTED, ANSWERED, APPLIED = "review_requested", "qa_manual_review", "review_applied"


def interrupt_id(gate: str, shot: int | None = None) -> str:
    return f"review:{gate}" if shot is None else f"review:{gate}:shot{shot}"


@dataclass(frozen=True)
class PendingReview:
    interrupt_id: str
    gate: str
    shot: int | None
    artifact_uri: str | None
    message: str
    answered: str | None  # the decision, once someone gave one
    keyframes: tuple[int, ...] = ()  # the items of a review over several keyframes
    # the request's event id: a gate asked again (after a retake) is a new request
    request_id: int | None = None
    # of `keyframes`, those rendered again since a rejection: new since the last review
    retaken: tuple[int, ...] = ()
    # keyframes approved earlier (in an approval, or kept by a rejection of others): not
    # asked about again
    kept: tuple[int, ...] = ()


def reviews(run_id: str, *, memory: Any) -> list[PendingReview]:
    """The latest request per interrupt of a run that has not been applied yet, with the
    decision if one was recorded."""
    events = memory.list(run_id)
    found: dict[str, PendingReview] = {}
    for event in events:
        key = event.payload.get("interrupt_id")
        if event.event_type == REQUESTED:
            p = event.payload
            found[key] = PendingReview(
                key,
                p["gate"],
                p.get("shot"),
                p.get("artifact_uri"),
                p["message"],
                None,
                tuple(p.get("keyframes") or ()),
                event.id,
                tuple(p.get("retaken") or ()),
                tuple(p.get("kept") or ()),
            )
        elif event.event_type == ANSWERED and key in found:
            found[key] = replace(found[key], answered=event.payload["decision"])
        elif event.event_type == APPLIED:
            found.pop(key, None)
    return list(found.values())


def record_decision(
    run_id: str,
    decision: str,
    *,
    gate: str | None = None,
    shot: int | None = None,
    note: str | None = None,
    keyframes: list[int] | None = None,
    memory: Any,
) -> PendingReview:
    """Record a person's decision on the run's open review (the one at `gate`/`shot` when
    several are open) as a `qa_manual_review` memory event. Rejecting a review over several
    keyframes may name the `keyframes` to render again (default: all of them)."""
    if decision not in DECISIONS:
        raise HumanInputRequestError(
            f"decision must be one of {sorted(DECISIONS)}, got {decision!r}"
        )
    if keyframes and decision != "reject":
        raise HumanInputRequestError(
            "keyframes: only a rejection names keyframes (an approval covers them all)"
        )
    with memory.db.atomic():  # two reviewers cannot both answer one request
        return _record(run_id, decision, gate, shot, note, keyframes, memory)


def _record(
    run_id: str,
    decision: str,
    gate: str | None,
    shot: int | None,
    note: str | None,
    keyframes: list[int] | None,
    memory: Any,
) -> PendingReview:
    matching = [
        r
        for r in reviews(run_id, memory=memory)
        if (gate is None or r.gate == gate) and (shot is None or r.shot == shot)
    ]
    open_reviews = [r for r in matching if r.answered is None]
    if not open_reviews:
        decided = [f"{r.interrupt_id} ({r.answered})" for r in matching]
        raise HumanInputRequestError(
            f"run {run_id!r}: "
            + (
                f"{', '.join(decided)} already decided; it applies when the run resumes"
                if decided
                else "no open review matching that"
            ),
            context={"run_id": run_id},
        )
    if len(open_reviews) > 1:
        keys = ", ".join(r.interrupt_id for r in open_reviews)
        raise HumanInputRequestError(
            f"run {run_id!r} has several open reviews ({keys}); name one with --gate or --shot",
            context={"run_id": run_id},
        )
    target = open_reviews[0]
    chosen: list[int] = []
    if decision == "reject" and target.keyframes:
        unknown = sorted(set(keyframes or ()) - set(target.keyframes))
        if unknown:
            raise HumanInputRequestError(
                f"keyframes: {unknown} not under review in {target.interrupt_id} "
                f"(it shows keyframes {list(target.keyframes)})",
                context={"run_id": run_id},
            )
        chosen = sorted(set(keyframes or target.keyframes))
    elif keyframes:
        raise HumanInputRequestError(
            f"keyframes: {target.interrupt_id} is not a keyframe review", context={"run_id": run_id}
        )
    log_answer(memory, run_id, target, decision, note, chosen, via="cli")
    return target


def log_answer(
    memory: Any,
    run_id: str,
    review: PendingReview,
    decision: str,
    note: str | None,
    keyframes: list[int],
    *,
    via: str,
) -> None:
    """The audit trail's `qa_manual_review` event: who answered `review`, how, with what."""
    memory.write(
        run_id,
        ANSWERED,
        {
            "interrupt_id": review.interrupt_id,
            "gate": review.gate,
            "shot": review.shot,
            "decision": decision,
            "note": note,
            "artifact_uri": review.artifact_uri,
            "keyframes": keyframes,
            "via": via,
        },
    )


def latest_answer(run_id: str, review: PendingReview, memory: Any) -> dict[str, Any]:
    """The latest recorded answer to `review`: decision, note and the keyframes to retake."""
    answers = [
        e.payload
        for e in memory.list(run_id, ANSWERED)
        if e.payload.get("interrupt_id") == review.interrupt_id
    ]
    last = answers[-1] if answers else {}
    return {
        "decision": review.answered,
        "note": last.get("note"),
        "keyframes": last.get("keyframes") or [],
    }
