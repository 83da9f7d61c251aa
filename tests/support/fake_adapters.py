"""Recording fake adapters: small real files, deterministic bytes, every call counted, and
failures injectable per step."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field

from sparkle_motion.adapters.base import Estimate, Output, StepJob

EXT = {
    "image": ("png", "image/png"),
    "tts": ("wav", "audio/wav"),
    "video": ("mp4", "video/mp4"),
    "lipsync": ("mp4", "video/mp4"),
    "assemble": ("mp4", "video/mp4"),
    "finalize": ("json", "application/json"),
    "custom": ("bin", "application/octet-stream"),
}


@dataclass
class RecordingAdapter:
    name: str = "fake"
    version: str = "1"
    model_id: str | None = None
    calls: Counter = field(default_factory=Counter)
    failures: dict[str, list[BaseException]] = field(
        default_factory=dict
    )  # step id -> raise these first
    metadata: dict[str, dict] = field(default_factory=dict)  # step id -> its output's metadata
    delay: float = 0.0  # seconds each call takes (a step that costs something)

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        self.calls[step.id] += 1
        if self.delay:
            time.sleep(self.delay)
        pending = self.failures.get(step.id)
        if pending:
            raise pending.pop(0)
        digest = hashlib.sha256(
            json.dumps(
                step.model_dump(mode="json", exclude={"id", "title"}), sort_keys=True
            ).encode()
        )
        for ref in sorted(job.inputs):
            digest.update(job.inputs[ref].read_bytes())
        ext, mime = EXT[step.type]
        return [
            Output(
                name=f"out.{ext}",
                data=digest.hexdigest().encode(),
                mime_type=mime,
                artifact_type=step.type,
                metadata=dict(self.metadata.get(step.id, {})),
            )
        ]

    def estimate(self, step, profile) -> Estimate:
        return Estimate(time_s=0.01)
