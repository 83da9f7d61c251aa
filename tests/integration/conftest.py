"""Fixtures of the graph tests: the preview profile's adapters replaced by one recording fake."""

from __future__ import annotations

import pytest

from sparkle_motion.adapters import registry
from sparkle_motion.config import reset_settings_cache
from tests.support.fake_adapters import RecordingAdapter

PREVIEW = ("procedural_keyframes", "piper", "ffmpeg_motion", "audio_mux", "ffmpeg", "video_final")


@pytest.fixture
def wired(tmp_path, monkeypatch):
    monkeypatch.setenv("ARTIFACTS_FS_ROOT", str(tmp_path / "art"))
    monkeypatch.setenv("SPARKLE_DB_PATH", str(tmp_path / "s.db"))
    monkeypatch.setenv("SPARKLE_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("SPARKLE_DOTENV", "")
    reset_settings_cache()
    adapter = RecordingAdapter()
    saved = dict(registry._FACTORIES)
    for name in PREVIEW:
        registry.register(name, lambda: adapter)
    yield adapter
    registry._FACTORIES.clear()
    registry._FACTORIES.update(saved)
    registry._INSTANCES.clear()
    reset_settings_cache()


@pytest.fixture(scope="session")
def dashboard_serve(tmp_path_factory):
    """One `sparkle-motion serve` (the API alone, stages rendered by each run's own
    process; the preview at 256x144) shared by the dashboards' tests: the web page in
    Chromium and the notebook. Runs go one at a time (the one-job rule): each test waits
    for its run to end."""
    from tests.support.serve import start_serve

    serve = start_serve(tmp_path_factory.mktemp("dashboard"), preview_size=(256, 144))
    yield serve
    serve.stop()
