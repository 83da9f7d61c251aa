"""A scripted ADK model for tests: `respond(request)` returns the reply Part."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any

from google.adk.models import BaseLlm
from google.adk.models._capabilities import LlmCapabilities
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.genai import types

USAGE = types.GenerateContentResponseUsageMetadata(
    prompt_token_count=1, candidates_token_count=1, total_token_count=2
)


class FakeLlm(BaseLlm):
    model: str = "fake"
    respond: Callable[[LlmRequest], types.Part]

    @property
    def capabilities(self) -> LlmCapabilities:
        return LlmCapabilities(output_schema_and_tools=False)

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        part = self.respond(llm_request)
        yield LlmResponse(content=types.Content(role="model", parts=[part]), usage_metadata=USAGE)


def answering(text: str) -> FakeLlm:
    """A model that always answers `text`."""
    return FakeLlm(model="scripted", respond=lambda request: types.Part(text=text))


def tool_then_report(call: types.FunctionCall, report: Callable[[Any], str]) -> FakeLlm:
    """Calls the tool once, then answers `report(tool response)`."""

    def respond(request: LlmRequest) -> types.Part:
        found = [
            p.function_response for p in request.contents[-1].parts or [] if p.function_response
        ]
        return (
            types.Part(text=report(found[0].response)) if found else types.Part(function_call=call)
        )

    return FakeLlm(model="tool-caller", respond=respond)
