from __future__ import annotations

import pytest

from sparkle_motion import adk_factory
from sparkle_motion.adk_factory import AgentConfig, ModelSpec
from sparkle_motion.errors import AdkAgentCreationError, AdkAgentLifecycleError, MissingAdkSdkError


@pytest.fixture(autouse=True)
def clean_registry():
    adk_factory.shutdown()
    yield
    adk_factory.shutdown()


def test_per_tool_agents_are_reused_and_tracked():
    agent = adk_factory.get_agent("images_sdxl", ModelSpec("sparkle-offline-planner"))
    assert agent.model == "sparkle-offline-planner"  # always an explicit model
    handle = adk_factory.registry()["images_sdxl"]
    first_used = handle.last_used_at
    assert handle.mode == "per-tool" and handle.created_at <= first_used
    assert adk_factory.get_agent("images_sdxl", ModelSpec("sparkle-offline-planner")) is agent
    assert adk_factory.registry()["images_sdxl"].last_used_at >= first_used
    other = adk_factory.get_agent("images_sdxl", ModelSpec("sparkle-offline-planner", seed=4))
    assert other is not agent and other.generate_content_config.seed == 4


def test_shared_mode_shares_one_agent_per_model():
    a = adk_factory.get_agent("tool_a", "sparkle-offline-planner", mode="shared")
    b = adk_factory.get_agent("tool_b", "sparkle-offline-planner", mode="shared")
    assert a is b and [h.mode for h in adk_factory.registry().values()] == ["shared"]
    warm = adk_factory.get_agent(
        "tool_c", ModelSpec("sparkle-offline-planner", temperature=0.9), mode="shared"
    )
    assert warm is not a  # a different sampling setup is a different agent
    adk_factory.close_agent("tool_b")  # tool_a still holds the shared agent
    assert adk_factory.get_agent("tool_a", "sparkle-offline-planner", mode="shared") is a
    adk_factory.close_agent("tool_a")
    assert all(h.model_spec.temperature == 0.9 for h in adk_factory.registry().values())
    with pytest.raises(AdkAgentCreationError, match="mode must be"):
        adk_factory.get_agent("tool_a", "sparkle-offline-planner", mode="pooled")


def test_a_changed_config_rebuilds_the_agent():
    spec = ModelSpec("sparkle-offline-planner")
    first = adk_factory.get_agent(
        "script_agent", spec, config=AgentConfig(name="script_agent", model=spec, instruction="v1")
    )
    same = adk_factory.get_agent(
        "script_agent", spec, config=AgentConfig(name="script_agent", model=spec, instruction="v1")
    )
    newer = adk_factory.get_agent(
        "script_agent", spec, config=AgentConfig(name="script_agent", model=spec, instruction="v2")
    )
    assert first is same and newer is not first and newer.instruction == "v2"


def test_close_and_shutdown():
    adk_factory.get_agent("videos_wan", "sparkle-offline-planner")
    adk_factory.close_agent("videos_wan")
    assert adk_factory.registry() == {}
    with pytest.raises(AdkAgentLifecycleError) as info:
        adk_factory.close_agent("videos_wan")
    assert info.value.context["tool_name"] == "videos_wan"
    adk_factory.get_agent("a", "sparkle-offline-planner")
    adk_factory.get_agent("b", "sparkle-offline-planner")
    adk_factory.shutdown()
    assert adk_factory.registry() == {}


def test_create_agent_with_schema_and_instruction():
    from sparkle_motion.schemas import MoviePlan

    agent = adk_factory.create_agent(
        AgentConfig(
            name="script_agent",
            model=ModelSpec("sparkle-offline-planner", seed=2),
            instruction="JSON only.",
            output_schema=MoviePlan,
            output_key="movie_plan",
        )
    )
    assert agent.output_schema is MoviePlan and agent.output_key == "movie_plan"
    assert agent.instruction == "JSON only." and agent.generate_content_config.seed == 2


def test_bad_agent_config_is_a_typed_error():
    with pytest.raises(AdkAgentCreationError) as info:
        adk_factory.create_agent(
            AgentConfig(name="not a valid name!", model=ModelSpec("sparkle-offline-planner"))
        )
    assert info.value.context["tool_name"] == "not a valid name!" and info.value.context["cause"]


def test_missing_credentials_and_packages_name_the_fix(monkeypatch):
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_GENAI_USE_VERTEXAI", raising=False)
    with pytest.raises(MissingAdkSdkError, match="GOOGLE_API_KEY"):
        adk_factory.get_agent("script_agent", "gemini-2.5-flash")
    monkeypatch.setenv("GOOGLE_API_KEY", "test-key")
    adk_factory.require_adk(model_spec="gemini-2.5-flash")  # a key is all it checks
    monkeypatch.setattr(
        adk_factory.importlib.util,
        "find_spec",
        lambda name: None if name == "litellm" else object(),
    )
    with pytest.raises(MissingAdkSdkError, match=r"google-adk\[extensions\]"):
        adk_factory.require_adk(model_spec="ollama/llama3")
    with pytest.raises(MissingAdkSdkError, match="unknown model"):
        adk_factory.require_adk(model_spec="gpt-4o")
    adk_factory.require_adk(
        allow_fixture=True, model_spec="gpt-4o"
    )  # fixture mode needs only the SDK


def test_missing_sdk(monkeypatch):
    monkeypatch.setattr(adk_factory.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MissingAdkSdkError, match="pip install"):
        adk_factory.require_adk()
