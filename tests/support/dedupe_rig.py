"""The dedupe tests' rig: the engine over the preview's real keyframe and clip adapters in
a home of its own (store, database, memory log, perceptual index), running the keyframe
and clip stages of a plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sparkle_motion.adapters.images.procedural import ProceduralKeyframes
from sparkle_motion.adapters.video.ffmpeg_motion import FfmpegMotion
from sparkle_motion.runs.engine import Engine
from sparkle_motion.runs.intake import build_run_context
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.storage import Database, FilesystemArtifactStore, MemoryLog, RecentIndex
from tests.conftest import make_settings
from tests.support.media import small_plan


class Rig:
    def __init__(self, tmp_path) -> None:
        self.store = FilesystemArtifactStore(tmp_path / "art")
        self.db = Database(tmp_path / "s.db")
        self.memory = MemoryLog(self.db)
        self.index = RecentIndex(self.db)
        self.tmp = tmp_path

    def run(
        self,
        run_id: str,
        plan: dict | None = None,
        images: Any = None,
        edit: Callable[[Any], Any] = lambda ctx: ctx,
        **options: Any,
    ) -> Any:
        """Keyframes and clips of `plan` (default: short.json) as run `run_id`; `images`
        replaces the keyframe adapter, `edit` changes the run context first."""
        keyframes = images or ProceduralKeyframes()
        engine = Engine(
            store=self.store,
            records=StepRecords(self.db),
            adapter_for=lambda step, ctx: keyframes if step.type == "image" else FfmpegMotion(),
            memory=self.memory,
            workdir=self.tmp,
        )
        ctx = build_run_context(plan or small_plan("short.json"), run_id=run_id,
                                settings=make_settings())  # fmt: skip
        return engine.execute(edit(ctx), stages={"base_images", "video"}, **options)

    def events(self, run_id: str, kind: str) -> list[dict]:
        return [e.payload for e in self.memory.list(run_id, kind)]

    def close(self) -> None:
        self.db.close()
        self.store.close()
