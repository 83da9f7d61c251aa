"""Smoke tests run only when their flag is on: the `smoke_*` settings (SMOKE_ADK,
SMOKE_ASSEMBLE, SMOKE_TTS, SMOKE_LIPSYNC, SMOKE_ADAPTERS; env or .env)."""

from __future__ import annotations

import pytest


def smoke(flag: str) -> pytest.MarkDecorator:
    """Skip unless the setting `smoke_<flag>` is on."""
    from sparkle_motion.config import load_settings

    on = bool(getattr(load_settings(), f"smoke_{flag}"))
    return pytest.mark.skipif(not on, reason=f"set SMOKE_{flag.upper()}=1 to run it")
