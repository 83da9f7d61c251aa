"""`sparkle-offline-planner`: the story writer as an ADK model (a `BaseLlm` registered with
ADK's LLMRegistry), so script_agent's whole ADK path runs with no key and no network.

It reads the idea from the last user message and the seed from the request's
GenerateContentConfig, and answers with one MoviePlan JSON object. Imports google.adk.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from datetime import UTC, datetime

from google.adk.models import BaseLlm, LLMRegistry
from google.adk.models._capabilities import LlmCapabilities
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.genai import types

from .story import write_plan

MODEL_NAME = "sparkle-offline-planner"


def _idea_of(request: LlmRequest) -> str:
    for content in reversed(request.contents or []):
        if content.role == "user":
            text = " ".join(p.text for p in content.parts or [] if p.text)
            if text.strip():
                return text.strip()
    return ""


class OfflinePlannerLlm(BaseLlm):
    model: str = MODEL_NAME

    @classmethod
    def supported_models(cls) -> list[str]:
        return [rf"^{MODEL_NAME}$"]

    @property
    def capabilities(self) -> LlmCapabilities:
        return LlmCapabilities(output_schema_and_tools=False)

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        idea = _idea_of(llm_request)
        seed = (llm_request.config.seed if llm_request.config else None) or 0
        plan = write_plan(idea or "a wanderer sets out at dawn", seed)
        plan["created_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        text = json.dumps(plan, ensure_ascii=False)
        words = len(idea.split())
        yield LlmResponse(
            content=types.Content(role="model", parts=[types.Part(text=text)]),
            usage_metadata=types.GenerateContentResponseUsageMetadata(
                prompt_token_count=words,
                candidates_token_count=len(text) // 4,
                total_token_count=words + len(text) // 4,
            ),
        )


_registered = False


def register() -> None:
    """Make `LlmAgent(model="sparkle-offline-planner")` resolve to this model. Idempotent."""
    global _registered
    if not _registered:
        LLMRegistry.register(OfflinePlannerLlm)
        _registered = True
