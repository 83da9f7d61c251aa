"""Record what the production API answers about runs in each of their states, from real
runs on a real `sparkle-motion serve`, for the dashboards' tests:

    .venv/bin/python scripts/record_status_payloads.py [tests/data/dashboard]

writes `status/<state>.json` (the /status payload), and beside them what the control
panel also reads: `events/<state>.json` (the run's memory events so far), `artifacts/
<state>.json` (GET /artifacts) and `runs.json` (GET /runs). The states:

    succeeded                  examples/plans/short.json, start to film
    running, pausing           a custom step holds (the handler `hold` below) while the
    paused, stopped            recorder reads; pause asked; released: paused; stop asked
    failed                     a custom step grades a clip with a look color_grade lacks
    awaiting_review_script     review ["script"]: waiting; answered (rejected); resumed:
    awaiting_review_answered   rejected
    rejected
    awaiting_review_keyframes  review ["keyframes"]: waiting on three keyframes (approved)
    crashed                    a held step's run process killed (SIGKILL)

Every run is small (short.json at 320x176, the preview profile) and the whole takes
about half a minute. Signatures, expiries, owners' pids and hosts and the state home's
path are replaced by fixed values and each run's clock is moved to start at
2026-01-01T00:00:00Z, so a new recording differs from the last only where the API did.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
HANDLER = "scripts.record_status_payloads:hold"
EPOCH = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")
SIGNED = re.compile(r"expires=\d+&sig=[0-9a-f]{64}")
FIXED_SIGNATURE = "expires=1767225600&sig=" + "0" * 64
ENDED = ("succeeded", "failed", "stopped", "rejected", "crashed")


def hold(job: Any) -> list[Any]:
    """A custom step that holds until the file `opts.release` exists (the recorder creates
    it once it has read what it wanted), then writes a note: a run caught mid-step, on
    demand. Imported by the run's process (PYTHONPATH names the checkout)."""
    from sparkle_motion.adapters.base import Output
    from sparkle_motion.errors import PermanentStageError

    release = Path(job.step.opts["release"])
    deadline = time.monotonic() + 120
    while not release.exists():
        if time.monotonic() > deadline:
            raise PermanentStageError(f"{job.step.id}: nobody released it", step_id=job.step.id)
        time.sleep(0.05)
    return [Output(name="held.txt", data=b"released\n", mime_type="text/plain")]


# --------------------------------------------------------------------------- scrubbing


def scrub(value: Any, root: str, clock: dict[str, datetime]) -> Any:
    """A payload made machine-independent (see the module's docstring). `clock` holds the
    run's first timestamp, so every time keeps its distance from it."""
    if isinstance(value, dict):
        out = {k: scrub(v, root, clock) for k, v in value.items()}
        if isinstance(out.get("owner"), dict) and out["owner"].get("pid") is not None:
            out["owner"] = {**out["owner"], "pid": 4242, "host": "recorder"}
        if out.get("owner_pid") is not None:
            out["owner_pid"] = 4242
        return out
    if isinstance(value, list):
        return [scrub(v, root, clock) for v in value]
    if isinstance(value, str):
        value = SIGNED.sub(FIXED_SIGNATURE, value.replace(root, "<home>"))
        return STAMP.sub(lambda m: moved(m.group(0), clock), value)
    return value


def moved(stamp: str, clock: dict[str, datetime]) -> str:
    when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    first = clock.setdefault("first", when)
    shifted = EPOCH + (when - first)
    return shifted.isoformat().replace("+00:00", "Z")


def scrub_epoch(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """/runs rows: their float epochs moved the same way, to 2026-01-01 plus the run's age."""
    base = min((r["created_at"] for r in rows), default=0.0)
    start = EPOCH.timestamp()
    return [
        {
            **r,
            "created_at": round(start + r["created_at"] - base, 3),
            "updated_at": round(start + r["updated_at"] - base, 3),
        }
        for r in rows
    ]


# --------------------------------------------------------------------------- recording


class Recorder:
    def __init__(self, client: Any, out: Path, root: Path) -> None:
        self.client, self.out, self.root = client, out, root
        self.clocks: dict[str, dict[str, datetime]] = {}

    def save(self, state: str, run_id: str, *, artifacts: bool = False) -> dict[str, Any]:
        status = self.client.status(run_id)
        events = list(self.client.events(run_id, url=status["events_url"], idle_s=1.5))
        clock = self.clocks.setdefault(run_id, {})
        starts = [s["started_at"] for s in status["steps"] if s["started_at"]]
        if starts and "first" not in clock:  # the run's clock starts at its first step
            clock["first"] = min(datetime.fromisoformat(s.replace("Z", "+00:00")) for s in starts)
        self.write(f"status/{state}.json", scrub(status, str(self.root), clock))
        self.write(f"events/{state}.json", scrub(events, str(self.root), clock))
        if artifacts:
            listed = self.client.artifacts(run_id)
            self.write(f"artifacts/{state}.json", scrub(listed, str(self.root), clock))
        print(f"{state}: {status['status']} ({run_id})")
        return status

    def write(self, name: str, payload: Any) -> None:
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(payload, indent=1, sort_keys=True) + "\n"
        assert str(self.root) not in text, f"{name}: the state home's path leaked"
        path.write_text(text)

    def wait(self, run_id: str, *states: str, step: str | None = None) -> dict[str, Any]:
        """Until the run's status is one of `states` (and, with `step`, that step is
        running), its process gone once the run ended."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = self.client.status(run_id)
            settled = not (status["status"] in ENDED and status["owner"]["alive"])
            holding = step is None or any(
                s["step_id"] == step and s["status"] == "running" for s in status["steps"]
            )
            if status["status"] in states and settled and holding:
                return status
            time.sleep(0.1)
        raise AssertionError(f"{run_id} never reached {states} ({step}): {status['status']}")


def held_plan(release: Path) -> dict[str, Any]:
    from tests.support.media import small_plan

    plan = small_plan("short.json")
    plan["seed"] = 11  # not the film's seed: rendered anew, not reused from it
    plan["steps"] = [
        {"id": "hold", "type": "custom", "handler": HANDLER, "opts": {"release": str(release)}}
    ]
    return plan


def record(out: Path) -> None:
    from tests.support.media import small_plan
    from tests.support.serve import start_serve

    from sparkle_motion.dashboard.client import ApiClient

    root = Path(tempfile.mkdtemp(prefix="record-status-"))
    serve = start_serve(root, SPARKLE_PLAN_ALLOWED_HANDLERS="*,scripts.record_status_payloads:*")
    try:
        with ApiClient(serve.api, serve.token) as client:
            rec = Recorder(client, out, root)
            # a film, start to end
            client.invoke(plan=small_plan("short.json"), run_id="rec-succeeded")
            rec.wait("rec-succeeded", "succeeded")
            rec.save("succeeded", "rec-succeeded", artifacts=True)

            # held mid-step: running; pause asked (pausing); released: paused; stopped
            release = root / "release-held"
            client.invoke(plan=held_plan(release), run_id="rec-held")
            rec.wait("rec-held", "running", step="hold")
            rec.save("running", "rec-held", artifacts=True)
            client.pause("rec-held")
            rec.save("pausing", "rec-held")
            release.touch()
            rec.wait("rec-held", "paused")
            rec.save("paused", "rec-held")
            client.stop("rec-held")
            rec.wait("rec-held", "stopped")
            rec.save("stopped", "rec-held")

            # a step that fails: color_grade has no "sepia" look
            failing = small_plan("short.json")
            failing["steps"] = [
                {
                    "id": "grade",
                    "type": "custom",
                    "handler": "color_grade",
                    "inputs": ["@video.launch"],
                    "opts": {"look": "sepia"},
                }
            ]
            client.invoke(plan=failing, run_id="rec-failed")
            rec.wait("rec-failed", "failed")
            rec.save("failed", "rec-failed")

            # the script gate: waiting, answered (rejected), resumed: the run ends rejected
            client.invoke(plan=small_plan("short.json"), run_id="rec-script", review=["script"])
            rec.wait("rec-script", "awaiting_review")
            rec.save("awaiting_review_script", "rec-script")
            client.review("rec-script", "reject", gate="script", note="too long for a boat")
            rec.save("awaiting_review_answered", "rec-script")
            client.resume("rec-script")
            rec.wait("rec-script", "rejected")
            rec.save("rejected", "rec-script")

            # the keyframes gate: three keyframes rendered and waiting (then approved)
            client.invoke(
                plan=small_plan("short.json"), run_id="rec-keyframes", review=["keyframes"]
            )
            rec.wait("rec-keyframes", "awaiting_review")
            rec.save("awaiting_review_keyframes", "rec-keyframes", artifacts=True)
            client.review("rec-keyframes", "approve", gate="keyframes")
            client.resume("rec-keyframes")
            rec.wait("rec-keyframes", "succeeded")

            # a run whose process dies mid-step
            release = root / "release-crashed"
            client.invoke(plan=held_plan(release), run_id="rec-crashed")
            status = rec.wait("rec-crashed", "running", step="hold")
            os.kill(status["owner"]["pid"], signal.SIGKILL)
            rec.wait("rec-crashed", "crashed")
            rec.save("crashed", "rec-crashed")

            rec.write("runs.json", scrub_epoch(scrub(client.runs(), str(root), {})))
    finally:
        serve.stop()


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("SPARKLE_HOME", tempfile.mkdtemp(prefix="record-home-"))
    out = Path(argv[0]) if argv else REPO / "tests" / "data" / "dashboard"
    started = time.monotonic()
    record(out)
    print(f"recorded into {out} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
