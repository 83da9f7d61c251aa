"""script_agent through a real ADK Runner: the offline planner end to end, and scripted
models whose bad answers must surface as our typed plan errors."""

from __future__ import annotations

import json
import socket

import pytest

from sparkle_motion import adk_factory
from sparkle_motion.errors import (
    PlanParseError,
    PlanPolicyViolation,
    PlanResourceError,
    PlanSchemaError,
)
from sparkle_motion.offline_planner.story import write_plan
from sparkle_motion.plans import validate_plan
from sparkle_motion.script_agent import generate_plan
from tests.conftest import make_settings
from tests.support.fake_llm import answering
from tests.support.helpers_backend import temp_backend

IDEA = "a lighthouse keeper befriends a whale"


@pytest.fixture(autouse=True)
def isolated(tmp_path):
    adk_factory.shutdown()
    with temp_backend(tmp_path) as backend:
        yield backend
    adk_factory.shutdown()


def valid_answer(**changes) -> dict:
    data = write_plan(IDEA, 1)
    data["created_at"] = "2026-01-01T00:00:00Z"
    data.update(changes)
    return data


def test_offline_planner_end_to_end(isolated):
    result = generate_plan(IDEA, seed=3, settings=make_settings(), run_id="run-plan")
    plan = result.plan
    assert plan.created_by == "sparkle-offline-planner" and plan.steps == []
    assert validate_plan(plan.model_dump(mode="json"), settings=make_settings()).plan.steps
    stored = json.loads(isolated.store.read_bytes(result.artifact.uri))
    assert stored["id"] == plan.id and result.artifact.stage == "script"
    [event] = isolated.memory.list("run-plan", "script_agent.plan_generated")
    assert event.payload["seed"] == 3 and event.payload["prompt_sha256"] == result.prompt_sha256
    assert (
        event.payload["model"].startswith("sparkle-offline-planner")
        and event.payload["artifact_uri"] == result.artifact.uri
    )


def test_same_idea_and_seed_same_plan_apart_from_created_at():
    a = generate_plan(IDEA, seed=9, settings=make_settings(), publish=False).plan.model_dump(
        mode="json"
    )
    b = generate_plan(IDEA, seed=9, settings=make_settings(), publish=False).plan.model_dump(
        mode="json"
    )
    a.pop("created_at"), b.pop("created_at")
    assert a == b


def test_needs_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert generate_plan(IDEA, settings=make_settings(), publish=False).plan.shots


def test_fixture_mode_is_explicit_and_logged(isolated):
    settings = make_settings(script_agent_model="gemini-2.5-flash", adk_use_fixture=True)
    result = generate_plan(IDEA, settings=settings, run_id="run-fx")
    assert result.model.startswith("sparkle-offline-planner")
    assert [e.event_type for e in isolated.memory.list("run-fx")] == [
        "adk_fixture_mode",
        "script_agent.plan_generated",
    ]


@pytest.mark.parametrize(
    ("answer", "error", "path"),
    [
        ("this is not JSON at all", PlanParseError, "<plan>"),
        ('{"id": "x", "title": ', PlanParseError, "<plan>"),
        (json.dumps(valid_answer(shots=[])), PlanSchemaError, "shots"),
        (json.dumps({**valid_answer(), "base_images": []}), PlanSchemaError, "base_images"),
        (
            json.dumps(valid_answer(title="A beheading at the lighthouse")),
            PlanPolicyViolation,
            "title",
        ),
    ],
)
def test_bad_answers_become_typed_errors(answer, error, path):
    with pytest.raises(error) as info:
        generate_plan(IDEA, model=answering(answer), settings=make_settings(), publish=False)
    assert type(info.value) is error and info.value.path == path


def test_over_a_cap_is_a_resource_error():
    with pytest.raises(PlanResourceError) as info:
        generate_plan(
            IDEA,
            model=answering(json.dumps(valid_answer())),
            settings=make_settings(plan_max_shots=2),
            publish=False,
        )
    assert info.value.path == "shots"


def test_empty_idea():
    with pytest.raises(PlanParseError, match="must not be empty"):
        generate_plan("   ", settings=make_settings(), publish=False)
