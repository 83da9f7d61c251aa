"""Shared fixtures. Tests never read the developer's own environment or .env."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from sparkle_motion.config import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "plans"


@pytest.fixture(autouse=True)
def _no_heartbeat_after_the_test():
    """A test that ends holding a run leaves no heartbeat on its throwaway database."""
    from sparkle_motion.runs.heartbeat import HEARTBEAT

    yield
    HEARTBEAT.reset()


@pytest.fixture
def settings() -> Settings:
    """Defaults only: no process env, no .env, no settings file."""
    return load_settings(env={"SPARKLE_DOTENV": ""})


def make_settings(**cli: Any) -> Settings:
    return load_settings(cli, env={"SPARKLE_DOTENV": ""})


@pytest.fixture
def short_plan() -> dict[str, Any]:
    """A fresh, mutable copy of examples/plans/short.json (2 shots, 1 speaker)."""
    return copy.deepcopy(json.loads((EXAMPLES / "short.json").read_text()))
