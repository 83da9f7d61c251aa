"""The preview film on this machine: a 6-shot, 30 s, 1280x720 plan (examples/plans/
lighthouse_whale.json) made by `sparkle-motion run PLAN -o film.mp4` in a fresh process,
then `sparkle-motion resume RUN_ID` on the finished run. Prints a table: wall time per
stage (first step start to last step end, from the step records), the whole command, the
ratio total / film duration, and the resume's wall time and adapter calls.

    .venv/bin/python benchmarks/preview_film.py          (make bench)

Goal: total <= 0.5 x film duration; resume <= 2 s with 0 adapter calls.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLAN = REPO / "examples" / "plans" / "lighthouse_whale.json"
STAGES = ("base_images", "dialogue_audio", "video", "lipsync", "assemble", "finalize")


def cli(root: Path, *args: str) -> tuple[float, float, subprocess.CompletedProcess]:
    env = {
        **os.environ,
        "SPARKLE_DOTENV": "",
        "SPARKLE_HOME": str(root),
        "ARTIFACTS_FS_ROOT": str(root / "art"),
        "SPARKLE_DB_PATH": str(root / "s.db"),
        "SPARKLE_RUNS_DIR": str(root / "runs"),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sparkle_motion.cli", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return took, cpu, done


def stage_walls(root: Path, run_id: str) -> dict[str, float]:
    conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
    rows = conn.execute("SELECT record FROM step_records WHERE run_id = ?", (run_id,)).fetchall()
    conn.close()
    spans: dict[str, list[float]] = {}
    for (text,) in rows:
        record = json.loads(text)
        if not record.get("started_at") or not record.get("finished_at"):
            continue
        a = datetime.fromisoformat(record["started_at"]).timestamp()
        b = datetime.fromisoformat(record["finished_at"]).timestamp()
        span = spans.setdefault(record["stage"], [a, b])
        span[0], span[1] = min(span[0], a), max(span[1], b)
    return {stage: b - a for stage, (a, b) in spans.items()}


def started_steps(root: Path, run_id: str) -> int:
    conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
    (n,) = conn.execute(
        "SELECT count(*) FROM memory_events WHERE run_id = ? AND event_type = 'step_started'",
        (run_id,),
    ).fetchone()
    conn.close()
    return n


def main() -> None:
    plan = json.loads(PLAN.read_text())
    film_s = sum(s["duration_s"] for s in plan["shots"])
    with tempfile.TemporaryDirectory(prefix="bench-film-") as tmp:
        root = Path(tmp)
        total, cpu, _ = cli(root, "run", str(PLAN), "-o", "film.mp4", "--run-id", "bench", "-q")
        walls = stage_walls(root, "bench")
        before = started_steps(root, "bench")
        resume, _, _ = cli(root, "resume", "bench", "-q")
        calls = started_steps(root, "bench") - before
        size = (root / "film.mp4").stat().st_size
    width = 34
    print(
        f"preview film: {len(plan['shots'])} shots, {film_s:g} s, 1280x720, {os.cpu_count()} cores"
    )
    print(f"{'what':<{width}} {'wall (s)':>9}")
    print("-" * (width + 10))
    for stage in STAGES:
        if stage in walls:
            print(f"{'  stage ' + stage:<{width}} {walls[stage]:>9.2f}")
    print(f"{'run (whole command)':<{width}} {total:>9.2f}")
    print(f"{'ratio run / film duration':<{width}} {total / film_s:>9.2f}")
    cores = os.cpu_count() or 1
    print(f"{'CPU time of the run (all processes)':<{width}} {cpu:>9.2f}")
    print(f"{'  = wall floor on ' + str(cores) + ' cores':<{width}} {cpu / cores:>9.2f}")
    print(f"{'resume of the finished run':<{width}} {resume:>9.2f}")
    print(f"{'adapter calls during resume':<{width}} {calls:>9d}")
    print(f"{'film size (MB)':<{width}} {size / 1e6:>9.2f}")
    print("(stages overlap: dialogue_audio runs beside base_images and video)")


if __name__ == "__main__":
    main()
