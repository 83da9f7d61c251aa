"""Shared fixtures. Tests never read the developer's own environment or .env, and never
write to the developer's own state home (SPARKLE_HOME is a throwaway folder per test)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from sparkle_motion.config import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "plans"


def pytest_configure(config):
    """Before any test module is imported: a session-wide throwaway SPARKLE_HOME, whatever
    the developer's shell sets (each test then gets its own, below)."""
    home = tempfile.mkdtemp(prefix="sparkle-home-")
    os.environ["SPARKLE_HOME"] = home
    config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))


@pytest.fixture(autouse=True)
def _sparkle_home(tmp_path_factory, monkeypatch) -> Path:
    """Each test's own state home: relative runs/artifacts/database paths land here, and
    CLI children inherit it through the environment."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("SPARKLE_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _no_heartbeat_after_the_test():
    """A test that ends holding a run leaves no heartbeat on its throwaway database."""
    from sparkle_motion.runs.heartbeat import HEARTBEAT

    yield
    HEARTBEAT.reset()


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    """The tiny random-weight pipelines (`sparkle-motion models make-tiny`), built once per
    test session (about 3 s): the `full` profile's real loading and inference code."""
    from sparkle_motion.adapters.tiny_models import make_tiny

    return make_tiny(tmp_path_factory.mktemp("tiny-models"), "test")


@pytest.fixture
def settings() -> Settings:
    """Defaults only: no process env, no .env, no settings file (state under the test's home)."""
    return make_settings()


def make_settings(**cli: Any) -> Settings:
    return load_settings(
        cli, env={"SPARKLE_DOTENV": "", "SPARKLE_HOME": os.environ["SPARKLE_HOME"]}
    )


@pytest.fixture
def short_plan() -> dict[str, Any]:
    """A fresh, mutable copy of examples/plans/short.json (2 shots, 1 speaker)."""
    return copy.deepcopy(json.loads((EXAMPLES / "short.json").read_text()))
