"""Two runs in one process (as under the HTTP server), sharing a database and an artifact
store, each with its own cancel token: stopping one kills its command and starts no further
step of it, while the other run finishes with the same output checksums as when it runs
alone. Real preview adapters (procedural keyframes, espeak-ng, ffmpeg) on a tiny plan."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from sparkle_motion.adapters import registry
from sparkle_motion.adapters.base import Adapter, StepJob
from sparkle_motion.adapters.tts.preview import EspeakTTS, espeak_binary
from sparkle_motion.runs.engine import Engine, RunResult
from sparkle_motion.runs.intake import build_run_context
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.schemas import RunStatus, StepStatus
from sparkle_motion.storage import Database, FilesystemArtifactStore, MemoryLog
from sparkle_motion.subprocesses import (
    CancelToken,
    cancel_run,
    forget_run,
    run_command,
    run_token,
)
from tests.conftest import EXAMPLES, make_settings

pytestmark = pytest.mark.skipif(espeak_binary() is None, reason="needs espeak-ng")

SLOW_STEP = "video.launch"


def tiny_plan(seed: int) -> dict:
    plan = json.loads((EXAMPLES / "short.json").read_text())
    plan["seed"] = seed  # another seed, other keys: the runs share no cached step
    plan["render_profile"] = {"name": "preview", "width": 160, "height": 96, "fps": 8}
    return plan


class Slowed:
    """A real adapter behind a `sleep` run under the step's token: a window in which the
    run is in the middle of a command."""

    def __init__(self, inner: Adapter, seconds: float) -> None:
        self.inner, self.seconds = inner, seconds
        self.name, self.version, self.model_id = inner.name, inner.version, inner.model_id

    def run(self, job: StepJob):
        run_command(["sleep", str(self.seconds)], cancel=job.cancel, step_id=job.step.id)
        return self.inner.run(job)

    def estimate(self, step, profile):
        return self.inner.estimate(step, profile)


def wiring(slow_s: float):
    espeak = EspeakTTS()  # a subprocess per line; piper would load a voice for 5 s

    def adapter_for(step, ctx):
        if step.type == "tts":
            return espeak
        adapter = registry.adapter_for(step, ctx.render_profile)
        return Slowed(adapter, slow_s) if step.id == SLOW_STEP else adapter

    return adapter_for


class Rig:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = Database(root / "s.db")
        self.store = FilesystemArtifactStore(root / "art")
        self.records = StepRecords(self.db)

    def engine(self, slow_s: float, cancel: CancelToken) -> Engine:
        return Engine(
            store=self.store,
            records=self.records,
            adapter_for=wiring(slow_s),
            memory=MemoryLog(self.db),
            workdir=self.root,
            cancel=cancel,
        )

    def close(self) -> None:
        self.store.close()
        self.db.close()


def checksums(result: RunResult) -> dict[str, str]:
    """Each step's output checksums; not the finalize manifest's, which names its run."""
    return {
        step: ",".join(a.checksum_sha256 for a in record.artifacts)
        for step, record in result.records.items()
        if step != "finalize.film"
    }


@pytest.fixture
def rigs(tmp_path):
    made: list[Rig] = []

    def make(name: str) -> Rig:
        (tmp_path / name).mkdir()
        made.append(Rig(tmp_path / name))
        return made[-1]

    yield make
    for rig in made:
        rig.close()
    for run_id in ("alone", "keep", "stop"):
        forget_run(run_id)


def test_stopping_one_run_leaves_the_other_alone(rigs):
    settings = make_settings()
    keep_plan, stop_plan = tiny_plan(seed=7), tiny_plan(seed=8)

    alone = rigs("alone")
    baseline = alone.engine(0.5, run_token("alone")).execute(
        build_run_context(keep_plan, run_id="alone", settings=settings)
    )
    assert baseline.status is RunStatus.SUCCEEDED

    shared = rigs("shared")
    keep_token, stop_token = run_token("keep"), run_token("stop")
    keep_engine, stop_engine = shared.engine(1.5, keep_token), shared.engine(60, stop_token)
    outcome: dict[str, RunResult | BaseException] = {}

    def drive(name: str, engine: Engine, plan: dict) -> None:
        ctx = build_run_context(plan, run_id=name, settings=settings)
        try:
            outcome[name] = engine.execute(ctx)
        except KeyboardInterrupt as exc:  # a cancel mid-command ends the run this way
            outcome[name] = exc

    threads = [
        threading.Thread(target=drive, args=("keep", keep_engine, keep_plan)),
        threading.Thread(target=drive, args=("stop", stop_engine, stop_plan)),
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()

    def sleeping(run_id: str, token: CancelToken) -> bool:
        """Inside the slow step's `sleep` (the engine runs one step at a time)."""
        record = shared.records.get(run_id, SLOW_STEP)
        return record is not None and record.status is StepStatus.RUNNING and token.running > 0

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
        sleeping("keep", keep_token) and sleeping("stop", stop_token)
    ):
        time.sleep(0.01)
    assert sleeping("keep", keep_token) and sleeping("stop", stop_token), "no overlap"

    cancel_run("stop")
    for thread in threads:
        thread.join(60)
    assert time.monotonic() - started < 30  # the 60 s sleep did not run out

    # the stopped run: its command was killed, its step recorded as interrupted, and no
    # later stage started
    assert isinstance(outcome["stop"], KeyboardInterrupt) and stop_token.running == 0
    slow = shared.records.get("stop", SLOW_STEP)
    assert slow.status is StepStatus.INTERRUPTED and slow.error.message == "interrupted"
    assert shared.records.get("stop", "assemble.film") is None
    # while its token stays cancelled, the run starts no step: it ends STOPPED
    again = stop_engine.execute(build_run_context(stop_plan, run_id="stop", settings=settings))
    assert again.status is RunStatus.STOPPED and again.executed == again.cached == []

    # the other run did not notice
    kept = outcome["keep"]
    assert isinstance(kept, RunResult) and kept.status is RunStatus.SUCCEEDED
    assert not keep_token.cancelled and len(kept.executed) == len(baseline.executed)
    assert checksums(kept) == checksums(baseline) and "assemble.film" in checksums(kept)
