"""A plan input named by an artifact URI (an upload) is read through the store: the step
gets the stored file, checksum-verified, and its content enters the step key; a URI the
store does not hold, or whose payload changed on disk, fails the step before it runs."""

from __future__ import annotations

import copy
import json

import pytest

from sparkle_motion.adapters.base import Output
from sparkle_motion.runs.engine import Engine
from sparkle_motion.runs.intake import build_run_context
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.schemas import StepStatus
from sparkle_motion.storage import Database, FilesystemArtifactStore
from tests.conftest import EXAMPLES, make_settings
from tests.support.fake_adapters import RecordingAdapter

SHORT = json.loads((EXAMPLES / "short.json").read_text())


class Reading(RecordingAdapter):
    """Also keeps what each custom step was handed: ref -> the bytes of its file."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, dict[str, bytes]] = {}

    def run(self, job):
        if job.step.type == "custom":
            self.calls[job.step.id] += 1
            self.seen[job.step.id] = {ref: p.read_bytes() for ref, p in job.inputs.items()}
            return [Output(name="note.txt", data=b"read", mime_type="text/plain")]
        return super().run(job)


@pytest.fixture
def rig(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "art")
    db = Database(tmp_path / "s.db")
    adapter = Reading()
    engine = Engine(
        store=store,
        records=StepRecords(db),
        adapter_for=lambda step, ctx: adapter,
        workdir=tmp_path,
        base_dir=tmp_path / "plan",  # nothing there: no file of the plan's folder is read
    )
    yield engine, adapter, store
    db.close()
    store.close()


def plan_reading(uri: str) -> dict:
    plan = copy.deepcopy(SHORT)
    plan["steps"] = [{"id": "fx", "type": "custom", "handler": "color_grade", "inputs": [uri]}]
    return plan


def run(engine, plan, run_id):
    return engine.execute(build_run_context(plan, run_id=run_id, settings=make_settings()))


def test_an_uploaded_input_is_read_through_the_store(rig):
    engine, adapter, store = rig
    ref = store.publish(run_id="user~local", stage="upload", name="voice.wav", data=b"RIFF one")
    result = run(engine, plan_reading(ref.uri), "run1")
    assert result.records["fx"].status is StepStatus.SUCCEEDED
    assert adapter.seen["fx"] == {ref.uri: b"RIFF one"}
    assert run(engine, plan_reading(ref.uri), "run2").executed == []  # same content: reused
    assert adapter.calls["fx"] == 1
    again = store.publish(
        run_id="user~local",
        stage="upload",
        name="voice.wav",
        data=b"RIFF two",
        artifact_id=ref.artifact_id,
    )
    latest = ref.uri.split("?")[0]  # no version: the latest one
    assert run(engine, plan_reading(latest), "run3").executed == ["fx"]
    assert adapter.seen["fx"] == {latest: b"RIFF two"} and again.version == 1


@pytest.mark.parametrize(
    "uri",
    ["artifact+fs://user~local/upload-0000000000000000", "artifact+fs://user~local/x?version=x"],
)
def test_an_input_the_store_does_not_hold_fails_the_step_before_it_runs(rig, uri):
    engine, adapter, _ = rig
    record = run(engine, plan_reading(uri), "run1").records["fx"]
    assert record.status is StepStatus.FAILED and record.attempts == 0
    assert uri in record.error.message and "fx" not in adapter.calls and "fx" not in adapter.seen


def test_a_changed_payload_is_not_handed_to_the_step(rig):
    engine, adapter, store = rig
    ref = store.publish(run_id="user~local", stage="upload", name="kf.png", data=b"picture")
    store.local_path(ref.uri).write_bytes(b"tampered")
    record = run(engine, plan_reading(ref.uri), "run1").records["fx"]
    assert record.status is StepStatus.FAILED and "checksum" in record.error.message
    assert "fx" not in adapter.seen
