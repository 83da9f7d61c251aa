"""SCRIPT_AGENT_MODEL naming a Gemini or a LiteLlm (e.g. Ollama) model writes the plan
through the same script agent as the offline planner: the model named in the settings is
the one asked, it gets the idea and the agent's instruction, and its answer goes through
the same parsing, validation and memory record. The models here are scripted stand-ins
(no key, no server): a Gemini-named BaseLlm in ADK's registry, and ADK's LiteLlm module
replaced by a scripted class."""

from __future__ import annotations

import importlib.machinery
import json
import sys
import types
from collections.abc import AsyncGenerator

import pytest
from google.adk.models import BaseLlm, registry
from google.adk.models._capabilities import LlmCapabilities
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.genai import types as genai

from sparkle_motion import adk_factory
from sparkle_motion.errors import MissingAdkSdkError
from sparkle_motion.offline_planner.story import write_plan
from sparkle_motion.script_agent import generate_plan
from tests.conftest import make_settings
from tests.support.helpers_backend import temp_backend

IDEA = "Two old friends, Marta and Leo, argue over a chess game in a Paris cafe at night"
ASKED: list[tuple[str, str]] = []  # (model name, the user's message) per request


def canned_plan() -> str:
    plan = write_plan("a fox and a crow share a piece of cheese", 4)
    plan["created_at"] = "2026-01-01T00:00:00Z"
    plan["created_by"] = "a scripted model"
    return json.dumps(plan)


class ScriptedModel(BaseLlm):
    model: str = "scripted"

    @property
    def capabilities(self) -> LlmCapabilities:
        return LlmCapabilities(output_schema_and_tools=False)

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        said = " ".join(
            p.text
            for c in llm_request.contents or []
            if c.role == "user"
            for p in c.parts or []
            if p.text
        )
        ASKED.append((self.model, said))
        yield LlmResponse(
            content=genai.Content(role="model", parts=[genai.Part(text=canned_plan())]),
            usage_metadata=genai.GenerateContentResponseUsageMetadata(
                prompt_token_count=1, candidates_token_count=1, total_token_count=2
            ),
        )


@pytest.fixture(autouse=True)
def isolated(tmp_path):
    ASKED.clear()
    adk_factory.shutdown()
    with temp_backend(tmp_path) as backend:
        yield backend
    adk_factory.shutdown()
    registry.LLMRegistry.resolve.cache_clear()


def check_written_by(isolated, model_name: str) -> None:
    settings = make_settings(script_agent_model=model_name)
    result = generate_plan(IDEA, seed=2, settings=settings, run_id="run-model")
    assert result.plan.created_by == "a scripted model"
    assert [c.name for c in result.plan.characters] == ["Fox", "Crow"]
    assert ASKED and ASKED[0][0] == model_name and IDEA in ASKED[0][1]
    [event] = isolated.memory.list("run-model", "script_agent.plan_generated")
    assert event.payload["model"].startswith(model_name)


def test_a_gemini_model_writes_the_plan_through_the_agent(isolated, monkeypatch):
    monkeypatch.setenv("GOOGLE_API_KEY", "test-key-not-used")
    monkeypatch.setitem(registry._llm_registry_dict, "gemini-.*", ScriptedModel)
    registry.LLMRegistry.resolve.cache_clear()
    check_written_by(isolated, "gemini-2.5-flash")


def test_a_litellm_model_writes_the_plan_through_the_agent(isolated, monkeypatch):
    litellm = types.ModuleType("litellm")
    litellm.__spec__ = importlib.machinery.ModuleSpec("litellm", None)
    lite_llm = types.ModuleType("google.adk.models.lite_llm")
    lite_llm.LiteLlm = ScriptedModel  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "litellm", litellm)
    monkeypatch.setitem(sys.modules, "google.adk.models.lite_llm", lite_llm)
    check_written_by(isolated, "ollama_chat/llama3.1")


def test_without_a_key_a_gemini_model_is_a_typed_error_not_a_silent_fallback(monkeypatch):
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_GENAI_USE_VERTEXAI", raising=False)
    monkeypatch.delenv("ADK_USE_FIXTURE", raising=False)
    with pytest.raises(MissingAdkSdkError, match="GOOGLE_API_KEY"):
        generate_plan(
            IDEA, settings=make_settings(script_agent_model="gemini-2.5-flash"), publish=False
        )
    assert ASKED == []
