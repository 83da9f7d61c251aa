"""Child process for the crash test: runs a plan with a slow recording adapter that logs
each invocation (durably) before working. Exit 0 when the run succeeded."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from sparkle_motion.config import load_settings
from sparkle_motion.runs.controller import run_context
from sparkle_motion.runs.engine import Engine
from sparkle_motion.runs.intake import build_run_context
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.runs.table import Runs
from sparkle_motion.storage import Database, FilesystemArtifactStore
from tests.support.fake_adapters import RecordingAdapter


class LoggingAdapter(RecordingAdapter):
    def __init__(self, log: Path) -> None:
        super().__init__()
        self.log = log

    def run(self, job):
        with self.log.open("a") as fh:
            fh.write(job.step.id + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        time.sleep(float(os.environ.get("SPARKLE_TEST_STEP_S", "0.03")))
        return super().run(job)


def main() -> int:
    root, plan_path, run_id = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    settings = load_settings(env={"SPARKLE_DOTENV": ""})
    db = Database(root / "s.db")
    store = FilesystemArtifactStore(root / "art")
    adapter = LoggingAdapter(root / "calls.log")
    engine = Engine(
        store=store, records=StepRecords(db), adapter_for=lambda s, c: adapter, workdir=root
    )
    ctx = build_run_context(plan_path.read_text(), run_id=run_id, settings=settings)
    result, found = run_context(engine, Runs(db), ctx)
    print(found.value, result.status.value, flush=True)
    return 0 if result.status.value == "succeeded" else 1


if __name__ == "__main__":
    raise SystemExit(main())
