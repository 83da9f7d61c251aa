"""script_agent on a real hosted model. Runs only with SMOKE_ADK=1 and the model's
credentials (SCRIPT_AGENT_MODEL, e.g. gemini-2.5-flash with GOOGLE_API_KEY)."""

from __future__ import annotations

import pytest

from tests.smoke.conftest import smoke

pytestmark = smoke("adk")


def test_hosted_model_writes_a_valid_plan(tmp_path):
    from sparkle_motion import adk_factory
    from sparkle_motion.config import load_settings
    from sparkle_motion.plans import validate_plan
    from sparkle_motion.script_agent import generate_plan

    settings = load_settings({"artifacts_fs_root": tmp_path / "art", "db_path": tmp_path / "s.db"})
    if settings.script_agent_model == adk_factory.OFFLINE_MODEL or settings.adk_use_fixture:
        pytest.fail(
            "SMOKE_ADK=1 needs SCRIPT_AGENT_MODEL set to a hosted model (and no ADK_USE_FIXTURE)"
        )
    adk_factory.require_adk(model_spec=settings.script_agent_model)
    result = generate_plan("a lighthouse keeper befriends a whale", settings=settings)
    assert result.model.startswith(settings.script_agent_model)
    assert validate_plan(result.plan, settings=settings).plan.shots
