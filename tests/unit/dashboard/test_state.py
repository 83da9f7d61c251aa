"""The panel's state machine over /status payloads recorded from real runs
(scripts/record_status_payloads.py): each payload is first checked against the server's
StatusResponse, so a change of the API breaks here and the recording is made again; then
the buttons, phase, banners and tabs the panel shows for it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from sparkle_motion.dashboard.state import (
    TAB_OF_STAGE,
    TABS,
    Attempt,
    Buttons,
    duration_text,
    log_line,
    log_lines,
    money,
    panel_state,
    run_lines,
)
from sparkle_motion.server.models import RunRow, StatusResponse
from sparkle_motion.stages import STAGES

DATA = Path(__file__).resolve().parents[2] / "data" / "dashboard"
STATES = sorted(p.stem for p in (DATA / "status").glob("*.json"))


def recorded(state: str, kind: str = "status"):
    return json.loads((DATA / kind / f"{state}.json").read_text())


def state_of(name: str):
    return panel_state(recorded(name), recorded(name, "events"))


# the recorded state -> (phase, buttons, banner kinds)
EXPECTED = {
    "running": ("running", Buttons(pause=True, stop=True), []),
    "pausing": ("pausing", Buttons(resume=True, stop=True), []),
    "paused": ("paused", Buttons(resume=True, stop=True), []),
    "stopped": ("stopped", Buttons(resume=True), ["stopped"]),
    "failed": ("failed", Buttons(resume=True), ["failure"]),
    "crashed": ("crashed", Buttons(resume=True), ["crashed"]),
    "awaiting_review_script": ("awaiting_review", Buttons(stop=True, review=True), ["review"]),
    "awaiting_review_keyframes": ("awaiting_review", Buttons(stop=True, review=True), ["review"]),
    "awaiting_review_answered": (
        "awaiting_review",
        Buttons(resume=True, stop=True),
        ["review_answered"],
    ),
    "rejected": ("rejected", Buttons(), ["rejected"]),
    "succeeded": ("finished", Buttons(), []),
}


def test_every_state_the_issue_names_is_recorded():
    assert set(STATES) == set(EXPECTED)


@pytest.mark.parametrize("name", STATES)
def test_a_recorded_payload_is_what_the_api_answers_today(name):
    payload = recorded(name)
    StatusResponse.model_validate(payload)  # an unknown or missing field fails here
    wanted = "awaiting_review" if name.startswith("awaiting_review") else name
    assert payload["status"] == {"pausing": "running"}.get(wanted, wanted)


def test_the_recorded_runs_list_is_what_the_api_answers_today():
    rows = json.loads((DATA / "runs.json").read_text())
    assert {RunRow.model_validate(r).run_id for r in rows} >= {"rec-succeeded", "rec-held"}


@pytest.mark.parametrize("name", STATES)
def test_buttons_phase_and_banners_of_each_state(name):
    state = state_of(name)
    phase, buttons, kinds = EXPECTED[name]
    assert (state.phase, state.buttons, [b.kind for b in state.banners]) == (phase, buttons, kinds)
    assert state.buttons == Buttons(**recorded(name)["actions"])  # the API's, as served
    assert list(state.stages) == list(TABS)
    assert state.ended == (phase in ("finished", "failed", "stopped", "crashed", "rejected"))


def test_a_running_run_at_its_custom_step_shows_in_the_assemble_tab():
    state = state_of("running")
    assert (state.current_stage, state.current_tab) == ("custom", "assemble")
    stages = state.stages
    assert [stages[t].state for t in TABS] == [
        "done",
        "done",
        "done",
        "done",
        "done",
        "running",
        "pending",
    ]
    assert (stages["base_images"].done, stages["base_images"].total) == (3, 3)
    assert stages["assemble"].label == "0/2"  # the custom step and the assembly
    assert state.eta.startswith("about ") and state.steps_left == 3
    assert state.log[-1] == "hold: started"


def test_done_counts_reused_steps_too():
    state = state_of("crashed")  # its first stages were reused from the held run
    assert recorded("crashed")["steps_by_stage"]["base_images"] == {"cached": 3}
    assert state.stages["base_images"].state == "done"
    assert "image.kf-000: reused" in state.log


def test_a_failure_names_the_step_and_why():
    state = state_of("failed")
    (failure,) = state.banners
    assert failure.text.startswith("failed: grade:") and "'sepia'" in failure.text
    assert state.stages["assemble"].state == "failed"
    assert any(line.startswith("grade: FAILED") for line in state.log)


def test_the_keyframes_review_names_each_keyframe_and_its_image():
    state = state_of("awaiting_review_keyframes")
    review = state.review
    assert review is not None and review.gate == "keyframes"
    assert review.keyframes == (0, 1, 2)
    assert review.keyframe_ids == ("kf-000", "kf-001", "kf-002")
    assert "keyframes 0, 1, 2" in state.banners[0].text
    assert state.eta.endswith("after the review")  # a person's time is not counted


def test_the_script_review_then_its_answer_then_the_rejection():
    waiting, answered, ended = (
        state_of(n) for n in ("awaiting_review_script", "awaiting_review_answered", "rejected")
    )
    assert waiting.review is not None and waiting.review.keyframes == ()
    assert answered.review is None and answered.reviews[0].answered == "reject"
    assert "Resume applies it" in answered.banners[0].text
    assert ended.reviews == () and "review script: reject (too long for a boat)" in ended.log
    # nothing rendered, but the plan was taken in
    assert ended.stages["plan_intake"].state == "done"
    assert all(ended.stages[t].done == 0 for t in TABS[1:])


def test_a_finished_run_has_every_tab_done_and_its_film():
    state = state_of("succeeded")
    assert all(state.stages[t].state == "done" for t in TABS)
    assert state.eta == "done" and state.elapsed.endswith(" s")
    assert state.film is not None and state.film["download_url"].startswith("/files/")
    assert state.log[-1] == "finalize: succeeded (1 run, 0 reused)"


def test_a_budget_stop_is_a_banner_once_the_api_says_so():
    """Not served yet (issue 17): the banner keys on an optional `budget` field."""
    payload = copy.deepcopy(recorded("stopped"))
    payload["budget"] = {"stopped": True, "spent_usd": 4.2, "limit_usd": 4.0}
    banners = panel_state(payload).banners
    assert banners[-1] == ("budget", "budget: $4.20 spent of $4.00; the run stopped")
    payload["budget"] = {"stopped": False, "spent_usd": 1.0, "limit_usd": 4.0}
    assert [b.kind for b in panel_state(payload).banners] == ["stopped"]


def test_steps_tried_more_than_once_are_listed():
    payload = copy.deepcopy(recorded("succeeded"))
    payload["steps"][1]["attempts"] = 3
    step = payload["steps"][1]["step_id"]
    assert panel_state(payload).attempts == (Attempt(step, 3, "succeeded"),)
    assert state_of("succeeded").attempts == ()


def test_a_pause_or_stop_asked_shows_until_it_settles():
    payload = copy.deepcopy(recorded("running"))
    payload["control"] = "stop"
    assert panel_state(payload).phase == "stopping"


def test_every_stage_of_the_table_has_a_tab_and_an_unknown_one_is_ignored():
    assert set(STAGES) == set(TAB_OF_STAGE)
    assert TABS == (
        "plan_intake",
        "dialogue_audio",
        "base_images",
        "video",
        "lipsync",
        "assemble",
        "finalize",
    )
    payload = copy.deepcopy(recorded("succeeded"))
    payload["steps_by_stage"]["upscale"] = {"succeeded": 2}
    payload["stage_totals"]["upscale"] = 2
    assert panel_state(payload).stages == state_of("succeeded").stages


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "-"), (0.4, "0 s"), (59.4, "59 s"), (65, "1 min 05 s"), (3725, "1 h 02 min")],
)
def test_durations_read_as_a_person_says_them(seconds, text):
    assert duration_text(seconds) == text


def test_every_recorded_event_reads_as_a_line():
    events = [e for name in STATES for e in recorded(name, "events")]
    kinds = {e["type"] for e in events}
    assert {"step_started", "step_completed", "step_cached", "step_failed"} <= kinds
    assert {"review_requested", "qa_manual_review", "review_applied", "stage_finished"} <= kinds
    for event in events:
        line = log_line(event)
        assert (line is None) == (event["type"] == "end")
        assert line is None or not line.startswith(event["type"]), line  # none falls through
    assert log_lines(
        [{"type": "step_retry", "payload": {"step_id": "video.a", "attempt": 1, "error": "oom"}}]
    ) == ["video.a: attempt 1 failed, retrying: oom"]
    assert log_line(
        {"type": "images_stage.load_start", "payload": {"step_id": "image.kf-000"}}
    ) == ("images_stage.load_start image.kf-000")


def test_the_runs_list_gives_each_run_its_duration_and_cost():
    rows = json.loads((DATA / "runs.json").read_text())
    lines = {line.run_id: line for line in run_lines(rows, now=rows[0]["updated_at"])}
    done = next(r for r in rows if r["run_id"] == "rec-succeeded")
    assert lines["rec-succeeded"].duration == duration_text(done["updated_at"] - done["created_at"])
    assert lines["rec-succeeded"].cost == money(done["cost_usd"])  # a preview: under a cent
    assert done["cost_usd"] is not None and money(0.0003) == "$0.0003"
    assert run_lines([{**done, "cost_usd": None}])[0].cost == "-"  # no step ran yet
    assert lines["rec-succeeded"].label.startswith("rec-succeeded  succeeded  ")
    priced = run_lines([{**done, "cost_usd": 0.4249}])[0]
    assert priced.cost == "$0.42"
    live = {**done, "status": "running", "created_at": 100.0, "updated_at": 101.0}
    assert run_lines([live], now=190.0)[0].duration == "1 min 30 s"  # to now while live
