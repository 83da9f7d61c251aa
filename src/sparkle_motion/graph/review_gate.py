"""The review gates of the production graph (workflows/sparkle_motion/root_agent.yaml).

    plan_intake -> review_script    -> approved: voices and keyframes | rejected: script_rejected
    base_images -> review_keyframes -> approved: video               | rejected: base_images

A gate is enabled per run (`sparkle-motion run --review script,keyframes`, or the
`SPARKLE_REVIEW_GATES` setting; kept with the run, so a resume asks the same gates). A
disabled gate passes straight through. An enabled one shows what to look at (the plan, or
a contact sheet of every keyframe), records a `review_requested` memory event, marks the
run `awaiting_review` and yields ADK's `RequestInput`: the run pauses. The decision comes
back as the interrupt's answer (`sparkle-motion review approve|reject`, then `resume`):
- approve: the run goes on; the approval is remembered with a hash of what was reviewed,
  so running the run again over the same plan or the same keyframes does not ask again.
- reject the script: the run ends `rejected`; nothing was rendered.
- reject keyframes (all, or those named with `--keyframe N`): each is rendered again with
  a new seed (`runs.retakes`), then reviewed again; only its clips are made again. The
  keyframes the rejection did not name are approved by it: the review that follows asks
  about the retaken ones alone (`retaken`, marked new on the contact sheet), the others
  stay approved (`kept`). An approval holds for a keyframe as the image it was.

Imports google.adk: loaded by ADK from the YAML, never by `import sparkle_motion`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from google.adk import Context, Event
from google.adk.workflow import BaseNode

from ..adk_helpers import request_review
from ..errors import HumanInputRequestError
from ..runs.retakes import KEYFRAMES_GATE, plan_seeds, retakes
from ..runs.reviews import APPLIED, DECISIONS, interrupt_id, log_answer, reviews
from ..schemas import ArtifactRef, ImageStep, RunContext, RunStatus
from ..schemas.common import check_run_id
from ..subprocesses import reset_cancel
from .context import env_of
from .requests import STATE_CONTEXT, STATE_ENDED, STATE_OUTPUTS, STATE_REVIEWS


@dataclass
class Decision:
    """What a gate does: pause with `request`, or go on along `route` with `output`."""

    output: dict[str, Any] = field(default_factory=dict)
    route: str | None = None
    request: Any = None


def _passing(gate: str, why: str) -> Decision:
    return Decision({"review": gate, "decision": "not_reviewed", "why": why}, "approved")


def _keyframes(state: Mapping[str, Any], ctx: RunContext) -> list[tuple[int, ArtifactRef]]:
    """(keyframe index, its PNG) for every keyframe base_images rendered, in order."""
    index_of = {
        s.id: s.keyframe
        for s in ctx.plan.steps
        if isinstance(s, ImageStep) and s.keyframe is not None
    }
    found = []
    for step_id, refs in (state.get(STATE_OUTPUTS + "base_images") or {}).items():
        if step_id in index_of and refs:
            found.append((index_of[step_id], ArtifactRef.model_validate(refs[0])))
    return sorted(found, key=lambda item: item[0])


def _content(items: list[tuple[Any, str]]) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()


def _approved_before(memory: Any, run_id: str, gate: str, content: str) -> bool:
    return any(
        e.payload.get("gate") == gate
        and e.payload.get("decision") == "approve"
        and e.payload.get("content") == content
        for e in memory.list(run_id, APPLIED)
    )


def approved_keyframes(memory: Any, run_id: str) -> dict[int, set[str]]:
    """keyframe index -> the checksums of its images a reviewer approved in this run: every
    keyframe of an approval, and the keyframes a rejection of others kept. A keyframe is
    approved as the image it was: one rendered again (a retake, a new plan) is asked again."""
    approved: dict[int, set[str]] = {}
    for event in memory.list(run_id, APPLIED):
        p = event.payload
        if p.get("gate") != KEYFRAMES_GATE:
            continue
        for k, sha in (p.get("approved") or {}).items():
            approved.setdefault(int(k), set()).add(sha)
    return approved


@dataclass
class Subject:
    """What a gate reviews: a hash of its content, the keyframes under review (those of
    them new since a rejection: `retaken`; the approved ones left out: `kept`) with their
    checksums, and the file a person looks at (written by `show`, only when someone is
    asked)."""

    content: str
    items: list[int]
    artifact: Path
    show: Callable[[], Path]
    checksums: dict[int, str] = field(default_factory=dict)
    retaken: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)


def _subject(
    gate: str, state: Mapping[str, Any], ctx: RunContext, folder: Path, memory: Any, run_id: str
) -> Subject | Decision:
    """What the gate reviews, or a pass-through Decision when there is nothing to review.
    At the keyframes gate: only the keyframes not approved yet (after a rejection, the
    retaken ones); the contact sheet shows every keyframe in its place, the new ones
    marked, the others marked approved."""
    if gate == "script":
        from ..plans.files import write_plan_file

        path = folder / "plan.json"
        return Subject(ctx.plan_checksum, [], path, lambda: write_plan_file(ctx.plan, path))
    if state.get(STATE_ENDED + "base_images") != "succeeded":
        return _passing(gate, "base_images did not succeed: nothing complete to review")
    frames = _keyframes(state, ctx)
    if not frames:
        return _passing(gate, "no keyframe is rendered (every one comes from a file)")
    from ..media.contact_sheet import contact_sheet

    approved = approved_keyframes(memory, run_id)
    asked = [(i, ref) for i, ref in frames if ref.checksum_sha256 not in approved.get(i, ())]
    if not asked:
        return Decision({"review": gate, "decision": "approved earlier"}, "approved")
    items = [i for i, _ in asked]
    takes = retakes(run_id, memory, plan_seeds(ctx))
    retaken = [i for i in items if takes.get(i)]

    def label(i: int) -> str:
        if i not in items:
            return f"keyframe {i} - approved"
        return f"keyframe {i} - NEW (retake {takes[i]})" if i in retaken else f"keyframe {i}"

    sheet = folder / "keyframes.png"
    return Subject(
        _content([(i, ref.checksum_sha256) for i, ref in asked]),
        items,
        sheet,
        lambda: contact_sheet([(label(i), Path(ref.local_path or "")) for i, ref in frames], sheet),
        checksums={i: ref.checksum_sha256 for i, ref in asked},
        retaken=retaken,
        kept=[i for i, _ in frames if i not in items],
    )


def _message(gate: str, ctx: RunContext, artifact: str, subject: Subject) -> str:
    plan = ctx.plan
    if gate == "script":
        return (
            f"Review the script of {plan.title!r}: {len(plan.shots)} shots, "
            f"{plan.total_duration_s:g} s (plan: {artifact}). Answer approve to render, or "
            "reject to end the run."
        )
    items, what = subject.items, f"the keyframes {subject.items}"
    if subject.retaken:
        what += f": {' '.join(map(str, subject.retaken))} rendered again (new)"
    if subject.kept:
        what += f"; keyframes {subject.kept} stay approved"
    example = " ".join(map(str, items[:2]))
    options = " ".join(f"-k {k}" for k in items[:2])
    return (
        f"Review {what} (contact sheet: {artifact}). Answer approve to animate them, or "
        f"reject to render them again with a new seed (reject {example}, or "
        f"`review reject {options}`: only those)."
    )


WORDS = {
    "approve": "approve",
    "approved": "approve",
    "yes": "approve",
    "ok": "approve",
    "reject": "reject",
    "rejected": "reject",
    "no": "reject",
}


def read_answer(key: str, answer: Any) -> dict[str, Any]:
    """The answer as `{decision, keyframes, note}`. `sparkle-motion review` sends that
    mapping; `adk run` the typed line (bare, or as `{"result": "..."}`): "approve", or
    "reject 1 2 too dark" (those keyframes; the other words are the note), or the
    mapping as JSON."""
    if isinstance(answer, Mapping) and isinstance(answer.get("result"), str):
        answer = answer["result"]
    if isinstance(answer, Mapping):
        return dict(answer)
    if not isinstance(answer, str):
        raise HumanInputRequestError(
            f"{key}: the answer must be a mapping or a line of text, got {answer!r}"
        )
    text = answer.strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise HumanInputRequestError(f"{key}: the answer is not valid JSON: {exc}") from exc
        return read_answer(key, parsed) if isinstance(parsed, Mapping) else {"decision": parsed}
    words = text.split()
    decision = WORDS.get(words[0].lower()) if words else None
    if decision is None:
        raise HumanInputRequestError(
            f"{key}: answer {text!r}: start it with approve or reject (reject 1 2: those keyframes)"
        )
    numbers = [int(w) for w in words[1:] if w.isdigit()]
    note = " ".join(w for w in words[1:] if not w.isdigit()) or None
    return {"decision": decision, "keyframes": numbers, "note": note}


def _retake(key: str, answer: Mapping[str, Any], items: list[int]) -> list[int]:
    """The keyframes a rejection names (all under review when it names none); an answer
    from any door (ADK web, the API) is checked here, not only by `review reject`."""
    named = answer.get("keyframes")
    if not items:
        return []
    if not named:
        return list(items)
    if (
        not isinstance(named, list)
        or any(not isinstance(k, int) or isinstance(k, bool) for k in named)
        or not set(named) <= set(items)
    ):
        raise HumanInputRequestError(
            f"{key}: keyframes: a list of the keyframes under review {items}, got {named!r}"
        )
    return sorted(set(named))


def decide(gate: str, state: Mapping[str, Any], run_id: str, answer: Any) -> Decision:
    """The gate's work, outside the event loop: it touches files and the database."""
    from ..runs.table import Runs
    from ..storage import MemoryLog, open_database

    check_run_id(run_id)
    enabled = answer is not None or gate in (state.get(STATE_REVIEWS) or [])
    if not enabled:
        return _passing(gate, "gate not enabled for this run")
    settings = env_of(run_id).settings
    ctx = RunContext.model_validate(state[STATE_CONTEXT])
    key = interrupt_id(gate)
    db = open_database(settings)
    try:
        memory, runs = MemoryLog(db), Runs(db)
        folder = Path(settings.runs_dir).resolve() / run_id / "review"
        subject = _subject(gate, state, ctx, folder, memory, run_id)
        if isinstance(subject, Decision):
            return subject
        content, items, artifact = subject.content, subject.items, str(subject.artifact)
        if answer is None:
            if _approved_before(memory, run_id, gate, content):
                return Decision({"review": gate, "decision": "approved earlier"}, "approved")
            subject.show()
            request = request_review(
                run_id=run_id,
                gate=gate,
                reason=_message(gate, ctx, artifact, subject),
                artifact_uri=artifact,
                payload={"artifact": artifact, "keyframes": items},
                keyframes=items,
                retaken=subject.retaken,
                kept=subject.kept,
                memory=memory,
            )
            runs.set_status(run_id, RunStatus.AWAITING_REVIEW)
            return Decision(request=request)
        answer = read_answer(key, answer)
        decision = answer.get("decision")
        if decision not in DECISIONS:
            raise HumanInputRequestError(
                f"{key}: decision must be one of {sorted(DECISIONS)}, got {decision!r}",
                context={"run_id": run_id},
            )
        retake = _retake(key, answer, items) if decision == "reject" else []
        seeds = plan_seeds(ctx)
        pending = next((r for r in reviews(run_id, memory=memory) if r.interrupt_id == key), None)
        if pending is not None and not pending.answered:
            # answered in ADK (adk run / adk web), not with `review`: the audit trail still
            # holds who decided what
            log_answer(memory, run_id, pending, decision, answer.get("note"), retake, via="adk")
        memory.write(
            run_id,
            APPLIED,
            {
                "interrupt_id": key,
                "gate": gate,
                "decision": decision,
                "content": content,
                "keyframes": retake,
                "seeds": {str(k): seeds[k] for k in retake},
                # the keyframes this answer approves (all of an approval, those a rejection
                # kept), as the images they are: not asked about again
                "approved": {
                    str(k): sha for k, sha in subject.checksums.items() if k not in retake
                },
                "note": answer.get("note"),
            },
        )
        reset_cancel(run_id)  # a process that was interrupted earlier renders again from here
        runs.set_status(run_id, RunStatus.RUNNING)
    finally:
        db.close()
    output = {"review": gate, "decision": DECISIONS[decision], "note": answer.get("note")}
    if gate == "keyframes" and decision == "reject":
        output["retake"] = retake
    return Decision(output, DECISIONS[decision])


class ReviewGate(BaseNode):
    """`{agent_class: sparkle_motion.graph.review_gate.ReviewGate, name: review_script, gate: script}`;
    routes `approved` or `rejected`."""

    gate: Literal["script", "keyframes"]
    rerun_on_resume: bool = True

    async def _run_impl(self, *, ctx: Context, node_input: Any) -> AsyncGenerator[Any, None]:
        state = ctx.state.to_dict() if hasattr(ctx.state, "to_dict") else dict(ctx.state)
        answer = (ctx.resume_inputs or {}).get(interrupt_id(self.gate))
        try:
            done = await asyncio.to_thread(decide, self.gate, state, ctx.session.id, answer)
        except Exception:
            # as a stage does: the run is recorded failed and let go (resume asks again)
            await asyncio.to_thread(_end, ctx.session.id, RunStatus.FAILED)
            raise
        if done.request is not None:
            yield done.request
            return
        yield Event(output=done.output, route=done.route)


class ScriptRejected(BaseNode):
    """The end of a run whose script a reviewer rejected: recorded `rejected`, lock let go."""

    async def _run_impl(self, *, ctx: Context, node_input: Any) -> AsyncGenerator[Any, None]:
        await asyncio.to_thread(_end, ctx.session.id, RunStatus.REJECTED)
        yield Event(output={"review": "script", "run_status": RunStatus.REJECTED.value})


def _end(run_id: str, status: RunStatus) -> None:
    """The run ends here: its status recorded, its lock let go."""
    from ..runs.table import Runs
    from ..storage import open_database

    db = open_database(env_of(run_id).settings)
    try:
        runs = Runs(db)
        runs.set_status(run_id, status)
        runs.release(run_id)
    finally:
        db.close()
