"""A kill -9 during the voice stage in the HTTP transport, then `resume` (issue 15): the lines
already spoken are not synthesized again, and the film is the uninterrupted run's.

The voices are rendered by the tts_chatterbox FunctionTool over real HTTP: the tool is
served by uvicorn in a thread of the test process (its own state home, the run's token),
and the run's catalog places `piper` and `espeak` `remote` at its URL. The runs are
`sparkle-motion run` / `resume` in fresh processes (preview profile), so the kill takes the
run's whole process group and nothing else. The tool's `piper` backend is the real one,
only counting the lines it speaks per run (a subclass registered in the test process for
this test), so "not synthesized again" is read where the voice is made, as well as from
the engine's `step_started` events. The run is killed once two lines are recorded
spoken and the tool has begun speaking the third (the poll reads the run's records and the
tool's count every 20 ms; a line takes 0.15-0.3 s), so the cut line is one the tool really
spoke for a run that never got it. The plan is examples/plans/lighthouse_whale.json (7
lines) at 128x64: a run takes about 6 s, the whole test about 12 s. Nothing is slowed down."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sparkle_motion.adapters import registry
from sparkle_motion.adapters.tts.preview import PreviewTTS
from sparkle_motion.resources import configs_dir
from sparkle_motion.tools import tts_chatterbox
from tests.conftest import make_settings
from tests.support.cli import cli_env
from tests.support.killed_run import kill_when, records, run_cli, starts
from tests.support.media import small_plan
from tests.support.served import Served

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

TOKEN = "voice-resume-test-token-0123"
VOICE = "dialogue_audio"


class CountedTTS(PreviewTTS):
    """The `piper` backend, counting the lines it speaks: (run id, step id) -> times."""

    def __init__(self, spoken: Counter, lock: threading.Lock) -> None:
        super().__init__()
        self.spoken, self.lock = spoken, lock

    def run(self, job):
        with self.lock:
            self.spoken[job.context.run_id, job.step.id] += 1
        return super().run(job)


@pytest.fixture
def tool(tmp_path) -> Iterator[tuple[str, Counter]]:
    """The tts tool served over HTTP: (its URL, the lines its piper backend spoke)."""
    spoken: Counter = Counter()
    lock = threading.Lock()
    saved = dict(registry._FACTORIES)
    registry.register("piper", lambda: CountedTTS(spoken, lock))
    home = tmp_path / "tool-home"
    settings = make_settings(
        home=home, runs_dir=home / "runs", db_path=home / "state.db", api_token=TOKEN
    )
    served = Served(tts_chatterbox.create_app(settings))
    try:
        yield served.url, spoken
    finally:
        served.stop()
        registry._FACTORIES.clear()
        registry._FACTORIES.update(saved)
        registry._INSTANCES.pop("piper", None)


def remote_voices(into: Path, url: str) -> Path:
    """The packaged configs, with the preview voices `remote` at the tts tool's `url`."""
    shutil.copytree(configs_dir(), into)
    catalog = yaml.safe_load((into / "tool_registry.yaml").read_text())
    catalog["tools"]["tts_chatterbox"] = url
    catalog["backends"].update(piper="remote", espeak="remote")
    (into / "tool_registry.yaml").write_text(yaml.safe_dump(catalog))
    return into


def env(root: Path, configs: Path) -> dict[str, str]:
    return cli_env(root, SPARKLE_CONFIGS_DIR=str(configs), SPARKLE_API_TOKEN=TOKEN)


def cli(root: Path, configs: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli(root, env(root, configs), *args, timeout=240)


def lines(found: dict[str, dict], status: str) -> set[str]:
    return {s for s, r in found.items() if r["stage"] == VOICE and r["status"] == status}


def checksums(record: dict) -> list[str]:
    return [a["checksum_sha256"] for a in record["artifacts"]]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_kill_during_remote_voices_then_resume_speaks_only_the_rest(tmp_path, tool):
    url, spoken = tool
    served_by = f"tts_chatterbox at {url}"
    configs = remote_voices(tmp_path / "configs", url)
    plan = json.dumps(small_plan(width=128, height=64))
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for root in (clean, killed):
        root.mkdir()
        (root / "plan.json").write_text(plan)

    cli(clean, configs, "run", "plan.json", "--run-id", "clean", "-o", "film.mp4", "-q")
    expected = records(clean, "clean")
    every = lines(expected, "succeeded")
    assert len(every) == 7 and {expected[s]["served_by"] for s in every} == {served_by}
    assert {s: spoken["clean", s] for s in every} == dict.fromkeys(every, 1)

    def speaking(found: dict[str, dict]) -> bool:
        """Two lines are spoken and the tool is speaking the next one for the run."""
        return len(lines(found, "succeeded")) >= 2 and any(
            spoken["k1", s] for s in lines(found, "running")
        )

    at_kill = kill_when(
        killed,
        env(killed, configs),
        ["run", "plan.json", "--run-id", "k1", "-q"],
        "k1",
        now=speaking,
        what="while the tool spoke its third line",
    )
    finished, cut = lines(at_kill, "succeeded"), lines(at_kill, "running")
    assert len(finished) >= 2 and len(cut) == 1 and len(finished) < len(every) - 1, (
        f"not killed while a line was spoken: spoken {sorted(finished)}, speaking "
        f"{sorted(cut)}, of {len(every)} lines"
    )
    assert not lines(at_kill, "cached")  # a fresh home: nothing could be reused
    assert at_kill.get("finalize.film", {}).get("status") != "succeeded"
    assert {at_kill[s]["served_by"] for s in finished} == {served_by}

    resumed = cli(killed, configs, "resume", "k1", "-o", "film.mp4", "-q")
    assert "continuing a crashed run" in resumed.stdout, resumed.stdout
    after = records(killed, "k1")
    started = starts(killed, "k1")

    # the lines spoken before the kill: started once (then), spoken once, reused as they were
    for step in sorted(finished):
        assert (started.get(step), spoken["k1", step]) == (1, 1), (
            f"{step}: started {started.get(step)} times, spoken {spoken['k1', step]} times"
        )
        assert after[step]["status"] == "cached", (step, after[step]["status"])
        assert checksums(after[step]) == checksums(at_kill[step]), step
    # the line the kill cut off (started twice) and those it never reached (once) were
    # spoken by the tool for the resume
    rest = every - finished
    assert lines(after, "succeeded") == rest
    assert {s: started.get(s) for s in rest} == {s: 2 if s in cut else 1 for s in rest}
    # the tool spoke the cut line twice (its voice never reached the killed run), the rest once
    assert {s: spoken["k1", s] for s in rest} == {s: 2 if s in cut else 1 for s in rest}
    assert {after[s]["served_by"] for s in rest} == {served_by}

    # the same voices and the same film as the uninterrupted run
    for step in sorted(every):
        assert checksums(after[step]) == checksums(expected[step]), step
    film = sha256(killed / "film.mp4")
    manifest = json.loads(Path(after["finalize.film"]["artifacts"][0]["local_path"]).read_text())
    assert film == sha256(clean / "film.mp4") == manifest["checksum_sha256"]
