"""How fast a dry run answers (goal: a 20-shot plan in under 1 s).

Runs execute_plan(mode="dry") on a generated 20-shot, 2-character plan with an adapter
that only estimates (real adapters arrive with the preview issue), in a scratch folder,
and prints a table of wall times (median of 5, plus the first call, which pays imports).

    .venv/bin/python benchmarks/dry_run.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from sparkle_motion.adapters.base import Estimate
from sparkle_motion.config import load_settings
from sparkle_motion.production_agent import execute_plan


class EstimateOnly:
    name, version, model_id = "estimate-only", "1", None

    def run(self, job):  # pragma: no cover - a dry run never calls it
        raise AssertionError("dry runs must not call adapters")

    def estimate(self, step, profile):
        return Estimate(time_s=1.0, peak_memory_mb=100.0)


def plan(shots: int) -> dict:
    return {
        "id": "bench-20",
        "title": "Bench",
        "created_at": "2026-01-01T00:00:00Z",
        "characters": [
            {"id": "a", "name": "A", "appearance": "a keeper"},
            {"id": "b", "name": "B", "appearance": "a whale"},
        ],
        "shots": [
            {
                "id": f"s{i}",
                "description": f"Shot {i} of the bench film.",
                "duration_s": 4,
                "characters": ["a", "b"],
                "dialogue": [{"character": "a" if i % 2 else "b", "text": f"Line number {i}."}],
            }
            for i in range(shots)
        ],
        "base_images": [{"prompt": f"keyframe {i}"} for i in range(shots + 1)],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = load_settings(
            {"artifacts_fs_root": root / "art", "db_path": root / "s.db", "runs_dir": root},
            env={"SPARKLE_DOTENV": ""},
        )
        adapter = EstimateOnly()
        rows = []
        for shots in (6, 20, 60):
            data = plan(shots)
            times = []
            for _ in range(6):
                start = time.perf_counter()
                report = execute_plan(
                    data, "dry", settings=settings, adapter_for=lambda s, c: adapter
                )
                times.append(time.perf_counter() - start)
            rows.append((shots, len(report.steps), times[0], statistics.median(times[1:])))
    print(f"{'shots':>5} {'steps':>5} {'first call s':>12} {'median s':>9}")
    for shots, steps, first, median in rows:
        print(f"{shots:>5} {steps:>5} {first:>12.3f} {median:>9.3f}")


if __name__ == "__main__":
    main()
