"""Faults on the preview path: a failing ffmpeg (a full disk), an ffmpeg killed by a signal
and a failing synthesizer each fail their step with a message naming the step and the
command; nothing partial is published and no record claims success."""

from __future__ import annotations

import json
import sqlite3

import pytest

from sparkle_motion.adapters import registry
from sparkle_motion.adapters.tts import preview as preview_tts
from sparkle_motion.config import load_settings, reset_settings_cache
from sparkle_motion.errors import RunFailedError
from sparkle_motion.production_agent import execute_plan
from tests.support.media import small_plan

FULL_DISK = """#!/bin/sh
for last; do :; done
printf 'partial' > "$last"
echo "Error writing trailer: No space left on device" >&2
exit 1
"""
KILLED = """#!/bin/sh
kill -9 $$
"""


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARKLE_DOTENV", "")
    monkeypatch.setenv("ARTIFACTS_FS_ROOT", str(tmp_path / "art"))
    monkeypatch.setenv("SPARKLE_DB_PATH", str(tmp_path / "s.db"))
    reset_settings_cache()
    registry._INSTANCES.clear()
    yield tmp_path
    reset_settings_cache()
    registry._INSTANCES.clear()


def _fake(tmp_path, name, body):
    path = tmp_path / name
    path.write_text(body)
    path.chmod(0o755)
    return path


def _records(tmp_path, run_id):
    conn = sqlite3.connect((tmp_path / "s.db").as_uri() + "?mode=ro", uri=True)
    rows = conn.execute("SELECT step_id, record FROM step_records WHERE run_id = ?", (run_id,))
    out = {k: json.loads(v) for k, v in rows}
    conn.close()
    return out


def _published(tmp_path, stage):
    return [p for p in (tmp_path / "art").rglob("*") if p.is_file() and f"/{stage}/" in str(p)]


@pytest.mark.parametrize(
    ("script", "says"),
    [(FULL_DISK, "No space left on device"), (KILLED, "killed by SIGKILL")],
    ids=["full-disk", "killed"],
)
def test_a_failing_ffmpeg_fails_its_steps_and_publishes_nothing(env, monkeypatch, script, says):
    tmp_path = env
    monkeypatch.setenv("FFMPEG_PATH", str(_fake(tmp_path, "ffmpeg", script)))
    reset_settings_cache()
    settings = load_settings()
    with pytest.raises(RunFailedError) as info:
        execute_plan(small_plan("short.json"), "run", run_id="r1", settings=settings)
    assert "video.launch" in str(info.value)
    records = _records(tmp_path, "r1")
    video = records["video.launch"]
    assert video["status"] == "failed" and says in video["error"]["message"]
    assert video["error"]["message"].startswith("video.launch: ")
    assert (
        video["error"]["command"][0].endswith("ffmpeg")
        and "-filter_complex" in video["error"]["command"]
    )
    assert not _published(tmp_path, "video")  # the partial file never became an artifact
    assert records["assemble.film"]["status"] == "skipped"
    assert records["finalize.film"]["status"] == "skipped"
    assert all(
        r["status"] != "succeeded" for k, r in records.items() if k.startswith(("video", "lipsync"))
    )


def test_a_failing_synthesizer_fails_its_line(env, monkeypatch):
    tmp_path = env
    fake = _fake(tmp_path, "espeak-ng", "#!/bin/sh\necho 'espeak: audio device busy' >&2\nexit 2\n")
    monkeypatch.setattr(preview_tts, "espeak_binary", lambda: str(fake))
    registry.register("piper", lambda: preview_tts.PreviewTTS(backend="espeak-ng"))
    try:
        with pytest.raises(RunFailedError):
            execute_plan(small_plan("short.json"), "run", run_id="r2", settings=load_settings())
    finally:
        registry._FACTORIES.pop("piper", None)
    line = _records(tmp_path, "r2")["tts.launch-l1"]
    assert line["status"] == "failed" and line["error"]["message"].startswith("tts.launch-l1: ")
    assert "audio device busy" in line["error"]["message"] and line["error"]["command"][0] == str(
        fake
    )
    assert not _published(tmp_path, "dialogue_audio")
