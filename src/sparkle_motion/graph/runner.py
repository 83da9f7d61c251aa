"""The one Runner factory: ADK's `Runner` over the production graph and the session
database, and `drive`, which sends a run's message (or the review answers its session is
waiting for) and follows the run's progress.

Every front door that executes the graph (the run service, `workflows run`) comes here;
`adk run workflows/sparkle_motion` builds its own Runner over the same YAML.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..runs.reviews import PendingReview, reviews
from ..storage import MemoryEvent, MemoryLog

APP_NAME = "sparkle_motion"  # the ADK app of every run session (the graph folder's name)
STEP_DONE_EVENTS = ("step_completed", "step_cached", "step_failed", "step_skipped")


@dataclass
class Drive:
    """What one pass over the graph gave: the nodes' outputs in order, and the reviews
    the run is left waiting for."""

    outputs: list[dict[str, Any]] = field(default_factory=list)
    waiting: list[PendingReview] = field(default_factory=list)
    sent: bool = True  # False: paused at a gate nobody answered yet, nothing was run


def build_runner(session_db: Path, graph: Path | None = None) -> Any:
    """A Runner over `graph` (default: the packaged production graph) whose sessions live
    in the SQLite file `session_db`."""
    from google.adk.agents.config_agent_utils import from_config
    from google.adk.runners import Runner
    from google.adk.sessions.sqlite_session_service import SqliteSessionService

    from ..resources import graph_file

    session_db.parent.mkdir(parents=True, exist_ok=True)
    return Runner(
        app_name=APP_NAME,
        agent=from_config(str(graph or graph_file())),
        session_service=SqliteSessionService(db_path=str(session_db)),
    )


async def _session(runner: Any, user_id: str, run_id: str) -> Any:
    sessions = runner.session_service
    app = runner.app_name
    found = await sessions.get_session(app_name=app, user_id=user_id, session_id=run_id)
    if found is None:
        found = await sessions.create_session(app_name=app, user_id=user_id, session_id=run_id)
    return found


def _waiting(session: Any, run_id: str, memory: MemoryLog) -> list[PendingReview]:
    from .interrupts import open_interrupts

    keys = open_interrupts(session) if session is not None else set()
    return [r for r in reviews(run_id, memory=memory) if r.interrupt_id in keys]


async def drive(
    runner: Any,
    *,
    run_id: str,
    user_id: str,
    message: str,
    memory: MemoryLog,
    answers: bool = False,
    on_event: Callable[[MemoryEvent], None] | None = None,
    on_output: Callable[[dict[str, Any]], None] | None = None,
) -> Drive:
    """Run the graph on session `run_id` with `message`. With `answers`, a session paused
    at review gates is resumed with the recorded decisions instead (nothing runs while a
    gate still waits for one). `on_event` sees the run's memory events as they are
    written, `on_output` each node's output."""
    from google.genai import types

    from .interrupts import answer_parts, open_interrupts

    session = await _session(runner, user_id, run_id)
    content = types.Content(role="user", parts=[types.Part(text=message)])
    keys = open_interrupts(session) if answers else set()
    if keys:
        parts = [p for p in answer_parts(run_id, memory=memory) if p.function_response.id in keys]
        if not parts:  # paused at a gate nobody has answered yet
            return Drive([], _waiting(session, run_id, memory), sent=False)
        content = types.Content(role="user", parts=parts)
    done = Drive()
    last = max((e.id for e in memory.list(run_id)), default=0)

    async def follow() -> None:
        nonlocal last
        while True:
            for event in memory.list(run_id, after_id=last):
                last = event.id
                if on_event is not None:
                    on_event(event)
            await asyncio.sleep(0.25)

    follower = asyncio.create_task(follow()) if on_event is not None else None
    try:
        async for event in runner.run_async(
            user_id=user_id, session_id=run_id, new_message=content
        ):
            data = event.output
            if isinstance(data, dict) and ({"stage", "plan_id", "review"} & set(data)):
                done.outputs.append(data)
                if on_output is not None:
                    on_output(data)
    except asyncio.CancelledError:  # Ctrl-C: asyncio cancels this task first
        from ..subprocesses import cancel_run

        cancel_run(run_id)  # its stage threads stop: their commands die, no new step starts
        raise
    finally:
        if follower is not None:
            follower.cancel()
    session = await runner.session_service.get_session(
        app_name=runner.app_name, user_id=user_id, session_id=run_id
    )
    done.waiting = _waiting(session, run_id, memory)
    return done
