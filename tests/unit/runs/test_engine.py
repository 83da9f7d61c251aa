"""The step engine with recording fake adapters: caching by content key, exact re-run
closures, retries by error class, skipped dependents, and resume after a failure."""

from __future__ import annotations

import copy
import json

import pytest

from sparkle_motion.adapters.base import Output
from sparkle_motion.errors import CommandError, ModelOOMError, TTSProviderUnavailable
from sparkle_motion.runs.engine import Engine, RetryPolicy
from sparkle_motion.runs.intake import build_run_context
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.schemas import RunStatus, StepStatus
from sparkle_motion.storage import Database, FilesystemArtifactStore
from tests.conftest import EXAMPLES, make_settings
from tests.support.fake_adapters import RecordingAdapter

LIGHTHOUSE = json.loads((EXAMPLES / "lighthouse_whale.json").read_text())


@pytest.fixture
def rig(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "art")
    db = Database(tmp_path / "s.db")
    adapter = RecordingAdapter()
    sleeps: list[float] = []
    engine = Engine(
        store=store,
        records=StepRecords(db),
        adapter_for=lambda step, ctx: adapter,
        retry=RetryPolicy(max_attempts=3, base_delay_s=1.0),
        sleep=sleeps.append,
        workdir=tmp_path,
    )
    yield engine, adapter, sleeps
    db.close()
    store.close()


def run(engine, plan, run_id):
    return engine.execute(build_run_context(plan, run_id=run_id, settings=make_settings()))


def test_first_run_executes_every_step_and_records_it(rig):
    engine, adapter, _ = rig
    result = run(engine, LIGHTHOUSE, "run1")
    assert result.status is RunStatus.SUCCEEDED
    steps = [
        s.id for s in build_run_context(LIGHTHOUSE, run_id="x", settings=make_settings()).plan.steps
    ]
    assert result.executed == steps and set(adapter.calls.values()) == {1}
    record = engine.records.get("run1", "video.s1-lamp")
    assert (
        record.status is StepStatus.SUCCEEDED
        and record.attempts == 1
        and len(record.artifacts) == 1
    )
    assert engine.store.read_bytes(record.artifacts[0].uri)


def test_a_second_identical_run_makes_zero_adapter_calls(rig):
    engine, adapter, _ = rig
    first = run(engine, LIGHTHOUSE, "run1")
    calls = sum(adapter.calls.values())
    second = run(engine, LIGHTHOUSE, "run2")
    assert sum(adapter.calls.values()) == calls and second.executed == []
    assert second.status is RunStatus.SUCCEEDED and len(second.cached) == len(first.executed)
    final = second.records["lipsync.s6-friends"].artifacts[0]
    assert final.checksum_sha256 == first.records["lipsync.s6-friends"].artifacts[0].checksum_sha256


FINISH = ("assemble.film", "finalize.film")  # every edit changes the film


@pytest.mark.parametrize(
    ("edit", "closure"),
    [
        (
            lambda p: p["shots"][2].update(description="The fog thins; the boat drifts."),
            {"video.s3-fog", "lipsync.s3-fog", *FINISH},
        ),
        (
            lambda p: p["base_images"][3].update(prompt="a boat in fog, woodcut"),
            {
                "image.kf-003",
                "video.s3-fog",
                "video.s4-guide",
                "lipsync.s3-fog",
                "lipsync.s4-guide",
                *FINISH,
            },
        ),
        (
            lambda p: p["shots"][4]["dialogue"][1].update(text="She sings every night."),
            {"tts.s5-harbour-l2", "lipsync.s5-harbour", *FINISH},
        ),
    ],
    ids=["shot-description", "keyframe", "dialogue-line"],
)
def test_an_edit_reruns_exactly_its_downstream_closure(rig, edit, closure):
    engine, _, _ = rig
    run(engine, LIGHTHOUSE, "run1")
    edited = copy.deepcopy(LIGHTHOUSE)
    edit(edited)
    assert set(run(engine, edited, "run2").executed) == closure


def test_transient_errors_are_retried_with_backoff(rig):
    engine, adapter, sleeps = rig
    adapter.failures["video.s2-song"] = [ModelOOMError("oom"), TTSProviderUnavailable("busy")]
    result = run(engine, LIGHTHOUSE, "run1")
    assert result.status is RunStatus.SUCCEEDED
    assert adapter.calls["video.s2-song"] == 3 and sleeps == [1.0, 2.0]
    assert result.records["video.s2-song"].attempts == 3


def test_a_permanent_error_is_tried_once_and_dependents_are_skipped(rig):
    engine, adapter, sleeps = rig
    adapter.failures["image.kf-002"] = [CommandError("ffmpeg exited 1", step_id="image.kf-002")]
    result = run(engine, LIGHTHOUSE, "run1")
    assert result.status is RunStatus.FAILED and adapter.calls["image.kf-002"] == 1 and sleeps == []
    failed = result.records["image.kf-002"]
    assert (
        failed.status is StepStatus.FAILED
        and failed.error.error_type == "CommandError"
        and not failed.error.transient
    )
    skipped = {s for s, r in result.records.items() if r.status is StepStatus.SKIPPED}
    assert skipped == {
        "video.s2-song",
        "video.s3-fog",
        "lipsync.s3-fog",
        *FINISH,
    }  # s2-song's only line is off screen
    assert "image.kf-002" in result.records["video.s2-song"].skip_reason


def test_exhausted_retries_fail_the_step(rig):
    engine, adapter, sleeps = rig
    adapter.failures["tts.s1-lamp-l1"] = [ModelOOMError("oom")] * 5
    result = run(engine, LIGHTHOUSE, "run1")
    assert adapter.calls["tts.s1-lamp-l1"] == 3 and sleeps == [1.0, 2.0]
    assert result.records["tts.s1-lamp-l1"].status is StepStatus.FAILED


def test_resuming_a_failed_run_runs_only_what_did_not_finish(rig):
    engine, adapter, _ = rig
    adapter.failures["image.kf-002"] = [CommandError("disk full")]
    first = run(engine, LIGHTHOUSE, "run1")
    adapter.calls.clear()
    second = run(engine, LIGHTHOUSE, "run1")
    assert second.status is RunStatus.SUCCEEDED
    assert set(second.executed) == {
        "image.kf-002",
        "video.s2-song",
        "video.s3-fog",
        "lipsync.s3-fog",
        *FINISH,
    }
    assert set(adapter.calls) == set(second.executed) and len(first.executed) > len(second.executed)


def test_pruned_artifacts_are_rendered_again(rig):
    engine, _adapter, _ = rig
    first = run(engine, LIGHTHOUSE, "run1")
    engine.store.delete(first.records["image.kf-000"].artifacts[0].uri)
    second = run(engine, LIGHTHOUSE, "run2")
    assert second.executed == ["image.kf-000"]


def test_a_step_reused_once_is_still_reused_on_the_next_resume(rig):
    engine, adapter, _ = rig
    run(engine, LIGHTHOUSE, "run1")
    run(engine, LIGHTHOUSE, "run1")  # every row of run1 is now 'cached'
    third = run(engine, LIGHTHOUSE, "run1")
    assert third.executed == [] and set(adapter.calls.values()) == {1}


def test_a_failure_after_a_forced_rerun_does_not_forget_completed_keys(rig):
    engine, adapter, _ = rig
    run(engine, LIGHTHOUSE, "run1")
    adapter.failures["video.s1-lamp"] = [CommandError("ffmpeg exited 1")]
    ctx = build_run_context(LIGHTHOUSE, run_id="run1", settings=make_settings())
    engine.execute(ctx, from_stage="video")  # video.s1-lamp fails; lipsync.s1-lamp is skipped
    adapter.calls.clear()
    resumed = engine.execute(ctx)
    assert resumed.executed == []  # both keys completed in the first run: nothing runs again


def test_outputs_only_their_run_may_reuse_are_rendered_again_by_another_run(rig):
    """A fallback voice is stored under the first choice's key (`reuse_scope: run`): a
    resume of its run keeps it, another run asks again, and what another run renders
    without the scope takes the key over."""
    engine, adapter, _ = rig
    line = "tts.s1-lamp-l1"
    adapter.metadata[line] = {"reuse_scope": "run"}
    run(engine, LIGHTHOUSE, "run1")
    assert run(engine, LIGHTHOUSE, "run1").executed == []  # its own resume reuses it
    again = run(engine, LIGHTHOUSE, "run2")
    assert again.executed == [line]  # same bytes: nothing downstream changes
    assert engine.records.completed(again.records[line].step_key).run_id == "run1"
    adapter.metadata.pop(line)  # the first choice speaks this time
    third = run(engine, LIGHTHOUSE, "run3")
    assert third.executed == [line]
    assert engine.records.completed(third.records[line].step_key).run_id == "run3"
    assert run(engine, LIGHTHOUSE, "run4").executed == []


def test_every_output_names_its_backend_and_model(rig):
    engine, adapter, _ = rig
    adapter.model_id = "weights-7"
    adapter.metadata["tts.s1-lamp-l1"] = {"backend": "piper", "model_id": "voice-1"}
    first = run(engine, LIGHTHOUSE, "run1")
    image = first.records["image.kf-000"].artifacts[0].metadata
    assert image["backend"] == "fake" and image["model_id"] == "weights-7"
    line = first.records["tts.s1-lamp-l1"].artifacts[0].metadata  # a stage policy's choice
    assert line["backend"] == "piper" and line["model_id"] == "voice-1"


def test_local_input_files_enter_the_key_by_content(rig, tmp_path):
    engine, _adapter, _ = rig
    engine.base_dir = tmp_path
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "start.png").write_bytes(b"first picture")
    plan = copy.deepcopy(LIGHTHOUSE)
    plan["base_images"][0]["source"] = "frames/start.png"
    first = run(engine, plan, "run1")
    assert "video.s1-lamp" in first.executed and "image.kf-000" not in first.executed
    assert run(engine, plan, "run2").executed == []
    (tmp_path / "frames" / "start.png").write_bytes(b"another picture")
    assert run(engine, plan, "run3").executed == ["video.s1-lamp", "lipsync.s1-lamp", *FINISH]
    (tmp_path / "frames" / "start.png").unlink()
    missing = run(engine, plan, "run4")
    assert missing.records["video.s1-lamp"].status is StepStatus.FAILED
    assert "not found" in missing.records["video.s1-lamp"].error.message


@pytest.mark.parametrize("target", ["outside", "fifo"])
def test_a_symlink_out_of_the_plans_folder_is_refused(rig, tmp_path, target):
    engine, adapter, _ = rig
    plan_dir, outside = tmp_path / "plan", tmp_path / "secret"
    plan_dir.mkdir()
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"not yours")
    (plan_dir / "kf.png").symlink_to(outside / "secret.png")
    if target == "fifo":  # inside the folder, but not a file: never handed to ffmpeg
        import os

        (plan_dir / "kf.png").unlink()
        os.mkfifo(plan_dir / "kf.png")
    engine.base_dir = plan_dir
    plan = copy.deepcopy(LIGHTHOUSE)
    plan["base_images"][0]["source"] = "kf.png"
    result = run(engine, plan, "run1")
    record = result.records["video.s1-lamp"]
    assert record.status is StepStatus.FAILED and record.attempts == 0
    expected = "outside the plan's folder" if target == "outside" else "not a regular file"
    assert expected in record.error.message
    assert "video.s1-lamp" not in adapter.calls  # nothing read it


def test_a_symlink_inside_the_plans_folder_is_fine(rig, tmp_path):
    engine, _adapter, _ = rig
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "start.png").write_bytes(b"first picture")
    (tmp_path / "kf.png").symlink_to(tmp_path / "frames" / "start.png")
    engine.base_dir = tmp_path
    plan = copy.deepcopy(LIGHTHOUSE)
    plan["base_images"][0]["source"] = "kf.png"
    assert "video.s1-lamp" in run(engine, plan, "run1").executed


def test_a_different_profile_setup_does_not_reuse_outputs(rig):
    engine, _, _ = rig
    ctx = build_run_context(LIGHTHOUSE, run_id="run1", settings=make_settings())
    engine.execute(ctx)
    other = ctx.model_copy(
        update={
            "run_id": "run2",
            "render_profile": ctx.render_profile.model_copy(
                update={"models": {"images": "another-model"}}
            ),
        }
    )
    assert len(engine.execute(other).executed) == len(ctx.plan.steps)


class ConcurrentAdapter(RecordingAdapter):
    """Records how many steps overlap."""

    concurrent = True

    def __init__(self) -> None:
        super().__init__()
        import threading

        self.lock = threading.Lock()
        self.active = 0
        self.peak = 0

    def run(self, job):
        import time

        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            time.sleep(0.05)
            return super().run(job)
        finally:
            with self.lock:
                self.active -= 1


def _engine(tmp_path, adapter, workers):
    db = Database(tmp_path / f"s{workers}.db")
    store = FilesystemArtifactStore(tmp_path / f"art{workers}")
    return Engine(
        store=store, records=StepRecords(db), adapter_for=lambda s, c: adapter, workers=workers
    )


def test_steps_of_a_stage_overlap_when_the_adapter_allows_and_give_the_same_outputs(tmp_path):
    parallel, serial = ConcurrentAdapter(), ConcurrentAdapter()
    a = run(_engine(tmp_path, parallel, 2), LIGHTHOUSE, "p1")
    b = run(_engine(tmp_path, serial, 1), LIGHTHOUSE, "s1")
    assert a.status is b.status is RunStatus.SUCCEEDED
    assert parallel.peak == 2 and serial.peak == 1
    assert {k: r.artifacts[0].checksum_sha256 for k, r in a.records.items()} == {
        k: r.artifacts[0].checksum_sha256 for k, r in b.records.items()
    }


def test_a_stop_while_steps_run_in_parallel_lets_them_finish_and_starts_no_more(tmp_path):
    adapter = ConcurrentAdapter()
    engine = _engine(tmp_path, adapter, 2)
    asked = []

    def gate():
        asked.append(1)
        return "stop" if len(asked) > 3 else None

    ctx = build_run_context(LIGHTHOUSE, run_id="g1", settings=make_settings())
    result = engine.execute(ctx, gate=gate)
    assert result.status is RunStatus.STOPPED
    assert sum(adapter.calls.values()) == 3  # three started before the stop, all finished
    assert all(r.status is StepStatus.SUCCEEDED for r in result.records.values())


class TalkingModel(RecordingAdapter):
    """A fake model backend: says events live and leaves them (and a policy note) in its
    outputs' metadata, as the sdxl and wan adapters do."""

    def run(self, job):
        if job.on_event is not None:
            job.on_event("load_start", {"model": "fake"})
        (out,) = super().run(job)
        meta = {
            "events": [["load_start", {"model": "fake"}], ["inference_end", {"inference_s": 1.5}]],
            "metrics": {"inference_s": 1.5},
            "device": "cpu",
            "policy_annotations": ["videos_stage.oom: cuda:0 with 61-frame chunks ..."],
            # a stage policy names where the backend it chose ran (tts_stage)
            "served_by": "tts_chatterbox at http://127.0.0.1:7862",
        }
        return [Output(out.name, out.data, out.mime_type, out.artifact_type, meta)]


def test_a_model_steps_log_events_and_notes_are_recorded_and_kept_when_reused(tmp_path):
    from sparkle_motion.storage import MemoryLog

    store = FilesystemArtifactStore(tmp_path / "art")
    db = Database(tmp_path / "s.db")
    engine = Engine(
        store=store,
        records=StepRecords(db),
        memory=MemoryLog(db),
        adapter_for=lambda step, ctx: TalkingModel(),
        workdir=tmp_path,
    )
    try:
        run(engine, LIGHTHOUSE, "run1")
        first = engine.records.get("run1", "video.s1-lamp")
        assert first.logs_uri and first.policy_annotations[0].startswith("videos_stage.oom")
        assert first.served_by == "tts_chatterbox at http://127.0.0.1:7862"
        log = json.loads(store.read_bytes(first.logs_uri))
        assert log["step_id"] == "video.s1-lamp" and log["events"][0][0] == "load_start"
        kinds = {e.event_type for e in MemoryLog(db).list("run1")}
        assert {"images_stage.load_start", "videos_stage.load_start"} <= kinds
        assert "load_start" not in kinds  # a stage without a policy prefix says none live
        run(engine, LIGHTHOUSE, "run2")  # every step reused: the record still says it all
        again = engine.records.get("run2", "video.s1-lamp")
        assert again.status is StepStatus.CACHED and again.logs_uri == first.logs_uri
        assert again.policy_annotations == first.policy_annotations
        # its metrics too, but for a cost: a reused step costs nothing
        assert again.metrics == {k: v for k, v in first.metrics.items() if k != "cost_usd"}
        assert "cost_usd" in first.metrics and again.device == "cpu"
    finally:
        db.close()
        store.close()


def test_an_exhausted_out_of_memory_ladder_records_its_attempts_and_is_not_retried(rig):
    from sparkle_motion.errors import ModelOOMExhaustedError

    engine, adapter, sleeps = rig
    attempts = ["cuda:0 chunk 61", "cuda:0 chunk 29", "cpu chunk 61"]
    adapter.failures["video.s1-lamp"] = [
        ModelOOMExhaustedError("out of memory everywhere", context={"attempts": attempts})
    ]
    result = run(engine, LIGHTHOUSE, "run1")
    failed = result.records["video.s1-lamp"]
    assert failed.status is StepStatus.FAILED and adapter.calls["video.s1-lamp"] == 1
    assert failed.error.context["attempts"] == attempts and sleeps == []
