"""Review gates: a reusable ADK workflow node that pauses a run for a person's decision.

    gate = review_node("script")            # or review_node("keyframe") for per-shot reviews
    Workflow(edges=[(START, plan, gate), (gate, {"approved": render, "rejected": stop})])

The node's input is a mapping with `artifact_uri` (what to look at) and, for per-shot
gates, `shot` (its index). With no answer yet it records a `review_requested` memory event
and yields ADK's `RequestInput` (interrupt id `review:<gate>[:shot<N>]`): the run pauses.
`sparkle-motion review approve|reject RUN_ID [--shot N] [--note ...]` records the decision
as a `qa_manual_review` memory event; `deliver_review_answers` (run by whoever resumes the
run) hands it to ADK as the interrupt's FunctionResponse, and the node routes
`approved` or `rejected` (a rejected keyframe loops back to be re-rendered with a new seed;
a rejected script ends the run).

In ADK 2.x a human-input request is an interrupt inside a running workflow, so the seed's
`request_human_input(...) -> task id` is this node, and the task id is the interrupt id.
Imports google.adk: load this module only where workflows run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.adk import Context, Event
from google.adk.workflow import node
from google.genai import types

from .. import adk_helpers
from ..errors import HumanInputRequestError
from ..runs.reviews import (
    APPLIED,
    DECISIONS,
    interrupt_id,
    latest_answer,
    reviews,
)


def review_node(gate: str, *, message: str | None = None, name: str | None = None) -> Any:
    """A workflow node pausing for a review at `gate`; routes `approved` / `rejected`.
    Give `name` when one graph holds several nodes of the same gate."""

    @node(name=name or f"review_{gate}", rerun_on_resume=True)
    def review(node_input: Mapping[str, Any], ctx: Context) -> Any:
        shot = node_input.get("shot")
        key = interrupt_id(gate, shot)
        run_id = ctx.session.id
        answer = ctx.resume_inputs.get(key)
        if not answer:
            text = (
                message
                or f"Review the {gate}{'' if shot is None else f' of shot {shot}'}: approve or reject."
            )
            yield adk_helpers.request_review(
                run_id=run_id,
                gate=gate,
                shot=shot,
                reason=text,
                artifact_uri=node_input.get("artifact_uri"),
                payload=dict(node_input),
            )
            return
        decision = answer.get("decision") if isinstance(answer, Mapping) else None
        if decision not in DECISIONS:
            raise HumanInputRequestError(
                f"{key}: decision must be one of {sorted(DECISIONS)}, got {decision!r}",
                context={"run_id": run_id},
            )
        adk_helpers.write_memory_event(run_id, APPLIED, {"interrupt_id": key, "decision": decision})
        yield Event(
            output={**dict(node_input), "decision": decision, "note": answer.get("note")},
            route=DECISIONS[decision],
        )

    return review


def answer_parts(run_id: str, *, memory: Any = None) -> list[types.Part]:
    """FunctionResponses for every recorded, not yet applied decision of the run."""
    if memory is None:
        with adk_helpers.memory_log() as opened:
            return answer_parts(run_id, memory=opened)
    return [
        types.Part(
            function_response=types.FunctionResponse(
                name="adk_request_input",
                id=r.interrupt_id,
                response=latest_answer(run_id, r, memory),
            )
        )
        for r in reviews(run_id, memory=memory)
        if r.answered is not None
    ]


def open_interrupts(session: Any) -> set[str]:
    """Interrupt ids the ADK session is waiting on: adk_request_input calls not yet
    answered (ADK matches calls and responses by count, so loops may reuse an id). A new
    text message starts the workflow again from START, abandoning earlier requests."""
    calls: dict[str, int] = {}
    for event in session.events:
        parts = (event.content.parts if event.content else None) or []
        if event.author == "user" and any(p.text for p in parts):
            calls.clear()
        for part in parts:
            if part.function_call and part.function_call.name == "adk_request_input":
                calls[part.function_call.id] = calls.get(part.function_call.id, 0) + 1
            elif part.function_response and part.function_response.name == "adk_request_input":
                calls[part.function_response.id] = calls.get(part.function_response.id, 0) - 1
    return {key for key, count in calls.items() if count > 0}


async def deliver_review_answers(
    runner: Any, *, run_id: str, user_id: str, memory: Any = None
) -> list[Any]:
    """Resume the run's ADK session with the recorded decisions it is waiting for; returns
    its events. A decision for a request the session is not waiting on (the run crashed
    between logging the request and pausing) stays listed and is not sent."""
    session = await runner.session_service.get_session(
        app_name=runner.app_name, user_id=user_id, session_id=run_id
    )
    if session is None:
        raise HumanInputRequestError(
            f"run {run_id!r} has no ADK session", context={"run_id": run_id}
        )
    waiting = open_interrupts(session)
    parts = [p for p in answer_parts(run_id, memory=memory) if p.function_response.id in waiting]
    if not parts:
        return []
    message = types.Content(role="user", parts=parts)
    return [
        event
        async for event in runner.run_async(user_id=user_id, session_id=run_id, new_message=message)
    ]
