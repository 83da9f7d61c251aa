"""What the production graph is asked: the user message of a run, read without ADK.

The message is an idea (one line of prose), a MoviePlan (JSON or YAML text, or a plan
file's path), or a run request from the run service:

    {"run_request": {"plan": <path or plan>, "from_stage": ..., "base_dir": ..., "review": [...]}}

The session-state keys the nodes share live here too, so code that reads a session
(the Runner factory, tests) needs no node class.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from ..stages import check_review_gates

STATE_CONTEXT = "sparkle_run_context"
STATE_OUTPUTS = "sparkle_outputs__"  # + stage: parallel stages write their own key
STATE_BASE_DIR = "sparkle_plan_dir"
STATE_FROM_STAGE = "sparkle_from_stage"
STATE_ENDED = "sparkle_stage_status__"  # + stage: succeeded | failed | stopped
STATE_REVIEWS = "sparkle_review_gates"  # the review gates enabled for this run


def message_text(node_input: Any) -> str:
    text = node_input if isinstance(node_input, str) else ""
    if hasattr(node_input, "parts"):  # a genai Content
        text = "".join(p.text or "" for p in node_input.parts or [])
    return text.strip()


def plan_file(text: str) -> Path | None:
    """The plan file a one-line message names, if it exists."""
    if text and "\n" not in text and text.endswith((".json", ".yaml", ".yml")):
        path = Path(text)
        if path.is_file():
            return path.resolve()
    return None


class Request(NamedTuple):
    plan_text: str
    base_dir: str | None  # folder of the plan's relative inputs
    from_stage: str | None
    review: list[str] | None  # review gates; None: the settings' `review_gates`


def parse_request(node_input: Any) -> Request:
    """The plan, its folder, from_stage and review gates from the user message."""
    text = message_text(node_input)
    from_stage = base_dir = review = None
    if text.startswith("{") and '"run_request"' in text:
        try:
            request = json.loads(text).get("run_request")
        except (json.JSONDecodeError, AttributeError):
            request = None
        if isinstance(request, dict):
            from_stage = request.get("from_stage")
            base_dir = request.get("base_dir")
            if request.get("review") is not None:
                review = check_review_gates(request["review"])
            plan = request.get("plan")
            text = json.dumps(plan) if isinstance(plan, dict) else str(plan or "")
    path = plan_file(text)
    if path is not None:
        return Request(
            path.read_text(encoding="utf-8"), base_dir or str(path.parent), from_stage, review
        )
    return Request(text, base_dir, from_stage, review)


def run_request(
    plan: str | Path | dict,
    *,
    from_stage: str | None = None,
    base_dir: Path | None = None,
    review: list[str] | None = None,
) -> str:
    """The user message that asks the graph for a run (plan path or plan dict); `review`
    names the gates to pause at (None: the settings' `review_gates`)."""
    return json.dumps(
        {
            "run_request": {
                "plan": plan if isinstance(plan, dict) else str(plan),
                "from_stage": from_stage,
                "base_dir": str(base_dir) if base_dir else None,
                "review": None if review is None else check_review_gates(review),
            }
        }
    )


def is_idea(text: str) -> bool:
    """One line of prose: not a plan (JSON, YAML), a run request or a plan file's path."""
    return bool(text) and "\n" not in text and not text.startswith("{") and plan_file(text) is None
