"""What a person may ask of a run in each of its states (the dashboards' buttons)."""

from __future__ import annotations

import pytest

from sparkle_motion.runs.reviews import PendingReview
from sparkle_motion.runs.status import RunStatusView
from sparkle_motion.schemas import RunStatus


def view(status: RunStatus, control: str | None = None, answered: str | None = "none", alive=False):
    reviews = []
    if answered != "none":
        reviews = [PendingReview("i1", "keyframes", None, None, "look", answered, (0, 1))]
    return RunStatusView(
        run_id="r1",
        status=status,
        plan_id="p",
        render_profile="preview",
        owner_pid=None,
        owner_host=None,
        owner_alive=alive,
        heartbeat_age_s=None,
        reviews=reviews,
        control=control,
    )


@pytest.mark.parametrize(
    ("status", "control", "answered", "allowed"),
    [
        (RunStatus.PENDING, None, "none", {"pause", "stop"}),
        (RunStatus.RUNNING, None, "none", {"pause", "stop"}),
        (RunStatus.RUNNING, "pause", "none", {"resume", "stop"}),  # the pause can be lifted
        (RunStatus.RUNNING, "stop", "none", set()),  # stopping: nothing more to ask
        (RunStatus.PAUSED, None, "none", {"resume", "stop"}),
        (RunStatus.AWAITING_REVIEW, None, None, {"review", "stop"}),
        (RunStatus.AWAITING_REVIEW, None, "reject", {"resume", "stop"}),
        (RunStatus.STOPPED, None, "none", {"resume"}),
        (RunStatus.FAILED, None, "none", {"resume"}),
        (RunStatus.CRASHED, None, "none", {"resume"}),
        (RunStatus.SUCCEEDED, None, "none", set()),
        (RunStatus.REJECTED, None, "none", set()),
    ],
)
def test_actions_follow_the_runs_state(status, control, answered, allowed):
    actions = view(status, control, answered).actions
    assert {name for name, on in actions.items() if on} == allowed
    assert set(actions) == {"pause", "resume", "stop", "review"}


def test_a_stopped_run_a_resume_has_just_claimed_cannot_be_resumed_again():
    assert view(RunStatus.STOPPED, alive=True).actions["resume"] is False
    assert view(RunStatus.FAILED, alive=True).actions["resume"] is False
    assert view(RunStatus.PAUSED, alive=True).actions["resume"] is True  # lifts the pause
