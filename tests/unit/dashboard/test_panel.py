"""The ipywidgets panel built over recorded API answers (tests/data/dashboard) through a
fake client that also records what the panel sends: buttons enabled as /status says, the
review's controls (a checkbox and thumbnail per keyframe, a note) sending the decision
then the resume, each stage's tab with its files, the film, the runs list, errors as a
banner, polling that stops. No browser: the widget tree is looked at directly."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest

from sparkle_motion.dashboard import ControlPanel, DashboardApiError
from sparkle_motion.dashboard.state import TABS

DATA = Path(__file__).resolve().parents[2] / "data" / "dashboard"
STATES = sorted(p.stem for p in (DATA / "status").glob("*.json"))


class FakeApi:
    """The recorded answers of one state (`self.state`, changeable); every call logged."""

    def __init__(self, state: str) -> None:
        self.state = state
        self.calls: list[tuple[str, tuple, dict]] = []
        self.fail: dict[str, DashboardApiError] = {}
        self.edit: Any = None  # changes the recorded /status payload in place before answering

    def _log(self, name: str, *args: Any, **kw: Any) -> None:
        self.calls.append((name, args, kw))
        if name in self.fail:
            raise self.fail[name]

    def _read(self, kind: str) -> Any:
        path = DATA / kind / f"{self.state}.json"
        return json.loads(path.read_text()) if path.exists() else None

    def status(self, run_id: str) -> dict[str, Any]:
        self._log("status", run_id)
        payload = self._read("status")
        if self.edit is not None:
            self.edit(payload)
        return payload

    def events(self, run_id, after=0, *, url=None, idle_s=None):
        self._log("events", run_id, after, url=url)
        return iter([e for e in self._read("events") if e["id"] is None or e["id"] > after])

    def artifacts(self, run_id, stage=None):
        self._log("artifacts", run_id)
        return self._read("artifacts") or {"run_id": run_id, "assets": {}, "video_final": None}

    def runs(self, limit=20):
        self._log("runs", limit)
        return json.loads((DATA / "runs.json").read_text())

    def fetch(self, url, *, sha256=None):
        self._log("fetch", url, sha256=sha256)
        return b"bytes of " + url.split("?")[0].encode()

    def url(self, path):
        return "http://api.test" + path

    def invoke(self, **kw):
        self._log("invoke", **kw)
        return {"run_id": "rec-held"}

    def pause(self, run_id):
        self._log("pause", run_id)

    def resume(self, run_id):
        self._log("resume", run_id)

    def stop(self, run_id):
        self._log("stop", run_id)

    def review(self, run_id, decision, **kw):
        self._log("review", run_id, decision, **kw)

    def sent(self) -> list[tuple[str, tuple, dict]]:
        """The calls that ask something of the run (not the reads)."""
        reads = ("status", "events", "artifacts", "runs", "fetch")
        return [c for c in self.calls if c[0] not in reads]


def panel_for(state: str) -> tuple[ControlPanel, FakeApi]:
    api = FakeApi(state)
    run_id = json.loads((DATA / "status" / f"{state}.json").read_text())["run_id"]
    return ControlPanel(api, run_id=run_id), api


def enabled(panel: ControlPanel) -> dict[str, bool]:
    return {
        name: not getattr(panel, f"{name}_button").disabled
        for name in ("pause", "resume", "stop", "start")
    }


@pytest.mark.parametrize("state", STATES)
def test_the_buttons_follow_the_status_actions(state):
    panel, _ = panel_for(state)
    actions = json.loads((DATA / "status" / f"{state}.json").read_text())["actions"]
    ended = state in ("succeeded", "failed", "stopped", "crashed", "rejected")
    assert enabled(panel) == {
        "pause": actions["pause"],
        "resume": actions["resume"],
        "stop": actions["stop"],
        "start": ended,
    }
    assert [b.kind for b in panel.banner_widgets] == [b.kind for b in panel.state.banners]
    shown = panel.review_box.layout.display != "none"
    assert shown == actions["review"]


def test_a_running_run_can_be_paused_and_stopped_only():
    panel, api = panel_for("running")
    assert enabled(panel) == {"pause": True, "resume": False, "stop": True, "start": False}
    panel.pause_button.click()
    api.state = "pausing"
    assert api.sent() == [("pause", ("rec-held",), {})]
    panel.refresh()
    assert enabled(panel)["resume"] and not enabled(panel)["pause"]
    assert "<b>pausing</b>" in panel.status_html.value


def test_the_keyframes_review_has_a_checkbox_and_thumbnail_per_keyframe():
    panel, api = panel_for("awaiting_review_keyframes")
    assert list(panel.keyframe_checks) == [0, 1, 2]
    artifacts = json.loads((DATA / "artifacts" / "awaiting_review_keyframes.json").read_text())
    images = artifacts["assets"]["base_images"]
    cells = panel.review_box.children[1].children
    for cell, kid in zip(cells, ("kf-000", "kf-001", "kf-002"), strict=True):
        thumb, check = cell.children
        assert isinstance(thumb, w.Image) and isinstance(check, w.Checkbox)
        assert thumb.value == b"bytes of " + images[kid]["download_url"].split("?")[0].encode()
        assert check.description == f"render {kid} again"
    # the thumbnails were checked against the checksums the API announced
    fetched = {c[1][0]: c[2]["sha256"] for c in api.calls if c[0] == "fetch"}
    assert fetched[images["kf-001"]["download_url"]] == images["kf-001"]["checksum_sha256"]

    panel.keyframe_checks[1].value = True
    panel.review_note.value = "  too dark  "
    panel.reject_button.click()
    assert api.sent() == [
        (
            "review",
            ("rec-keyframes", "reject"),
            {"gate": "keyframes", "keyframes": [1], "note": "too dark"},
        ),
        ("resume", ("rec-keyframes",), {}),
    ]
    assert panel.last_error is None


def test_a_keyframe_whose_id_the_plan_no_longer_has_is_named_by_its_index():
    api = FakeApi("awaiting_review_keyframes")
    api.edit = lambda payload: payload["reviews"][0].update(keyframe_ids=[])
    panel = ControlPanel(api, run_id="rec-keyframes")
    cells = panel.review_box.children[1].children
    assert [c.children[1].description for c in cells] == [
        f"render keyframe {k} again" for k in (0, 1, 2)
    ]
    assert all(isinstance(c.children[0], w.HTML) for c in cells)  # no image to guess
    panel.reject_button.click()  # nothing ticked: the server renders them all again
    assert api.sent()[0][2]["keyframes"] is None


def test_the_script_review_is_approved_without_keyframes():
    panel, api = panel_for("awaiting_review_script")
    assert panel.keyframe_checks == {}
    assert "Review the script" in panel.review_box.children[0].value
    panel.approve_button.click()
    assert api.sent() == [
        ("review", ("rec-script", "approve"), {"gate": "script", "keyframes": None, "note": None}),
        ("resume", ("rec-script",), {}),
    ]
    api.state = "awaiting_review_answered"  # what the server says once it is recorded
    panel.refresh()
    assert panel.review_box.layout.display == "none" and panel.keyframe_checks == {}
    assert [b.kind for b in panel.banner_widgets] == ["review_answered"]


def test_each_stage_tab_has_its_files():
    panel, _ = panel_for("succeeded")
    assert panel.tabs.titles == (
        "plan_intake 1/1",
        "dialogue_audio 1/1",
        "base_images 3/3",
        "video 2/2",
        "lipsync 1/1",
        "assemble 1/1",
        "finalize 1/1",
    )
    assert all(panel.progress[t].bar_style == "success" for t in TABS)
    for tab in TABS:
        panel.render_tab(tab)

    def players(tab):
        return [
            type(m.children[1]).__name__ for m in panel.media_widgets[tab] if isinstance(m, w.VBox)
        ]

    assert players("base_images") == ["Image"] * 3
    assert players("dialogue_audio") == ["Audio"]
    assert players("video") == ["Video"] * 2
    assert players("lipsync") == ["Video"]
    assert players("assemble") == ["Video"]  # the film; its subtitles are a link
    assert [i.title for i in panel.stage_items["assemble"]] == ["assembled", "subtitles"]
    assert [i.kind for i in panel.stage_items["finalize"]] == ["link"]  # the manifest
    assert "paper-boat" in panel.stage_boxes["plan_intake"].children[0].value
    link = panel.media_widgets["video"][0].children[0].value
    assert "http://api.test/files/" in link


def test_a_tab_is_drawn_when_shown_and_not_again_while_its_files_stay():
    panel, api = panel_for("succeeded")
    fetches = sum(1 for c in api.calls if c[0] == "fetch")
    panel.tabs.selected_index = TABS.index("video")
    assert len(panel.media_widgets["video"]) == 2
    after = sum(1 for c in api.calls if c[0] == "fetch")
    assert after == fetches + 2
    panel.refresh()
    assert sum(1 for c in api.calls if c[0] == "fetch") == after  # nothing fetched again
    assert [c[0] for c in api.calls].count("artifacts") == 1  # nor listed again


def test_the_final_video_plays_the_film_with_a_download():
    panel, api = panel_for("succeeded")
    film = json.loads((DATA / "status" / "succeeded.json").read_text())["film"]
    assert isinstance(panel.final_video, w.Video)
    assert panel.final_video.value == b"bytes of " + film["download_url"].split("?")[0].encode()
    assert ("fetch", (film["download_url"],), {"sha256": film["checksum_sha256"]}) in api.calls
    assert "http://api.test" + film["download_url"] in panel.download_html.value.replace(
        "&amp;", "&"
    )
    assert 'download="rec-succeeded-film.mp4"' in panel.download_html.value.replace("'", '"')
    running, _ = panel_for("running")
    assert running.final_video is None and "no film yet" in running.final_box.children[0].value


def test_events_are_read_once_a_quiet_run_said_end():
    panel, api = panel_for("succeeded")
    assert panel.state.log[-1] == "finalize: succeeded (1 run, 0 reused)"
    panel.refresh()
    panel.refresh()
    assert [c[0] for c in api.calls].count("events") == 1


def test_a_live_run_s_events_are_read_on_from_the_last_one():
    panel, api = panel_for("running")
    last = json.loads((DATA / "events" / "running.json").read_text())[-1]
    assert last["type"] != "end"  # recorded while the step held: the stream went on
    panel.refresh()
    reads = [c for c in api.calls if c[0] == "events"]
    assert [c[1][1] for c in reads] == [0, last["id"]]
    assert reads[0][2]["url"].startswith("/events/rec-held?")  # the signed events_url
    assert len(panel.events) == len(json.loads((DATA / "events" / "running.json").read_text()))


def test_an_api_refusal_on_a_click_is_a_banner():
    panel, api = panel_for("running")
    api.fail["stop"] = DashboardApiError(
        "run rec-held is locked by another process", type="RunLockedError", status=409
    )
    panel.stop_button.click()
    assert panel.banner_widgets[0].kind == "error"
    assert "409 RunLockedError: run rec-held is locked" in panel.banner_widgets[0].text
    del api.fail["stop"]
    panel.pause_button.click()
    assert [b.kind for b in panel.banner_widgets] == []  # gone once a click worked


def test_the_start_form():
    panel = ControlPanel(api := FakeApi("running"))
    assert panel.state is None and enabled(panel)["start"] and not enabled(panel)["pause"]
    panel.start_button.click()
    assert panel.banner_widgets[0].text == "idea: write an idea, or paste a plan"
    panel.plan_text.value = "{not json"
    panel.start_button.click()
    assert panel.banner_widgets[0].text.startswith("plan: not JSON")
    assert api.sent() == []
    panel.plan_text.value = ""
    panel.idea_text.value = "a paper boat in the rain"
    panel.profile_dropdown.value = "preview"
    panel.gate_checks["keyframes"].value = True
    panel.start_button.click()
    assert api.sent()[0] == (
        "invoke",
        (),
        {
            "idea": "a paper boat in the rain",
            "plan": None,
            "profile": "preview",
            "review": ["keyframes"],
        },
    )
    assert panel.run_id == "rec-held" and panel.state.phase == "running"
    assert panel.banner_widgets == []


def test_the_runs_list_opens_a_run():
    panel = ControlPanel(api := FakeApi("failed"))
    panel.runs_refresh_button.click()
    labels = dict((v, k) for k, v in panel.runs_select.options)
    assert labels["rec-failed"].startswith("rec-failed  failed  ")
    panel.runs_select.value = "rec-failed"
    panel.open_button.click()
    assert panel.run_id == "rec-failed" and panel.state.phase == "failed"
    assert ("status", ("rec-failed",), {}) in api.calls


def test_show_displays_the_panel_with_the_runs_list(monkeypatch):
    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    panel = ControlPanel(FakeApi("succeeded"))
    assert panel.show(poll=False) is panel
    assert shown == [panel.widget] and len(panel.runs_select.options) == 6
    assert not panel.polling


def test_polling_refreshes_until_stopped():
    panel, api = panel_for("running")
    before = [c[0] for c in api.calls].count("status")
    panel.start_polling(interval_s=0.05)
    assert panel.polling
    deadline = time.monotonic() + 5
    while [c[0] for c in api.calls].count("status") < before + 3:
        assert time.monotonic() < deadline, "the panel did not poll"
        time.sleep(0.02)
    panel.stop_polling()
    assert not panel.polling
    stopped = [c[0] for c in api.calls].count("status")
    time.sleep(0.2)
    assert [c[0] for c in api.calls].count("status") == stopped


def test_polling_survives_an_unexpected_error_and_shows_it():
    panel, api = panel_for("running")

    def broken(payload):
        raise RuntimeError("the answer made no sense")

    api.edit = broken
    panel.start_polling(interval_s=0.05)
    deadline = time.monotonic() + 5
    while not panel.banner_widgets or panel.banner_widgets[0].kind != "error":
        assert time.monotonic() < deadline, "no error banner"
        time.sleep(0.02)
    assert panel.polling
    assert panel.banner_widgets[0].text == "polling: RuntimeError: the answer made no sense"
    api.edit = None  # the next poll works: the banner goes
    while panel.banner_widgets:
        assert time.monotonic() < deadline, "the error banner stayed"
        time.sleep(0.02)
    panel.stop_polling()


def test_wait_returns_at_the_end_or_says_where_it_stayed():
    panel, _ = panel_for("succeeded")
    assert panel.wait(timeout_s=1).phase == "finished"
    running, _ = panel_for("running")
    running.interval_s = 0.05
    with pytest.raises(TimeoutError, match="rec-held still running"):
        running.wait(timeout_s=0.2)


def test_importing_the_package_loads_no_widgets_nor_heavy_frameworks():
    code = (
        "import sys, sparkle_motion.dashboard;"
        "print(sorted(m for m in ('ipywidgets', 'IPython', 'torch', 'google.adk') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_plan_tab_says_the_plan_once_the_status_names_it():
    panel, api = panel_for("succeeded")
    panel.tabs.selected_index = TABS.index("plan_intake")
    api.edit = lambda payload: payload.update(plan_id="")  # an idea not yet written out
    panel.refresh()
    assert "plan <code>?</code>" in panel.stage_boxes["plan_intake"].children[0].value
    api.edit = None
    panel.refresh()
    assert "plan <code>paper-boat</code>" in panel.stage_boxes["plan_intake"].children[0].value
