"""The graph node's message handling: ideas become plans, plans and run requests pass
through, and a run request carries its plan, from_stage and folder."""

from __future__ import annotations

import json

import pytest

from sparkle_motion.config import reset_settings_cache
from sparkle_motion.graph.nodes import _script
from sparkle_motion.graph.requests import is_idea, parse_request, run_request
from sparkle_motion.plans import validate_plan
from tests.conftest import EXAMPLES


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARKLE_DOTENV", "")
    monkeypatch.setenv("SPARKLE_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("ARTIFACTS_FS_ROOT", str(tmp_path / "art"))
    monkeypatch.setenv("SPARKLE_DB_PATH", str(tmp_path / "s.db"))
    reset_settings_cache()
    yield tmp_path
    reset_settings_cache()


def test_what_counts_as_an_idea():
    plan_path = str(EXAMPLES / "short.json")
    assert is_idea("a lighthouse keeper befriends a whale")
    assert not is_idea(plan_path) and not is_idea('{"id": "x"}') and not is_idea("id: x\ntitle: y")
    assert not is_idea("")


def test_an_idea_becomes_a_plan_file_and_a_run_request(env):
    done = _script("r1", "a lighthouse keeper befriends a whale")
    text, base_dir, from_stage, review = parse_request(done["output"])
    assert from_stage is None and review is None and base_dir == str(env / "runs" / "r1")
    assert (env / "runs" / "r1" / "plan.json").is_file()
    assert validate_plan(text).plan.shots  # a valid plan


def test_plans_and_requests_pass_through(env):
    plan_path = str(EXAMPLES / "short.json")
    assert _script("r1", plan_path)["output"] == plan_path
    request = run_request(EXAMPLES / "short.json", from_stage="video", review=["keyframes"])
    assert _script("r1", request)["output"] == request
    text, base_dir, from_stage, review = parse_request(request)
    assert from_stage == "video" and base_dir == str(EXAMPLES) and review == ["keyframes"]
    assert json.loads(text)["id"] == json.loads((EXAMPLES / "short.json").read_text())["id"]
    assert not (env / "runs").exists()  # nothing written for a plan


def test_review_gates_are_checked_by_name():
    import pytest

    from sparkle_motion.stages import check_review_gates

    assert check_review_gates(["keyframes", "script", "keyframes"]) == ["keyframes", "script"]
    assert check_review_gates([]) == []
    with pytest.raises(ValueError, match="review: a list of script, keyframes, got"):
        run_request(EXAMPLES / "short.json", review=["storyboard"])
    bad = json.dumps({"run_request": {"plan": str(EXAMPLES / "short.json"), "review": "script"}})
    with pytest.raises(ValueError, match="review: a list of"):
        parse_request(bad)
