"""`sparkle-tool-caller`: an offline tool-calling model (a `BaseLlm` registered with ADK's
LLMRegistry), the default model of each FunctionTool's own agent (POST /agent). No key, no
network, no sampling: it reads the request and answers with one call of the agent's
function, its arguments taken from the words of the request, then reports the result.

    "render image.kf-003 of run run-5b1c with procedural_keyframes"
        -> render(run_id="run-5b1c", step_id="image.kf-003", backend="procedural_keyframes")
    "write a plan, seed 7: a lighthouse keeper befriends a whale"
        -> write_plan(idea="a lighthouse keeper befriends a whale", seed=7)

How an argument is found (`arguments`): `run_id` after "run"; `step_id`, a dotted step id
(`image.kf-003`); `backend` after "with", "using" or "backend"; an integer after its name
("seed 7"); any other parameter after its name (`voice=en`, `voice: en`); the one text
parameter left (`idea`, `text`, `prompt`) takes what follows a colon, else the request
without the words the others took. When a required argument is missing the model does
not guess: it answers in words, naming what it needs, and calls nothing.

Imports google.adk: loaded by the tool process's agent, never by `import sparkle_motion`.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator
from typing import Any

from google.adk.models import BaseLlm, LLMRegistry
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.genai import types

MODEL_NAME = "sparkle-tool-caller"
TEXT_PARAMETERS = ("idea", "text", "prompt", "request")
RUN_ID = re.compile(  # a sentence's full stop is not part of it
    r"\brun(?:[ _-]?id)?\s*[:=]?\s+([A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,98}[A-Za-z0-9_])?)", re.I
)
STEP_ID = re.compile(r"(?<![\w.])([a-z_]+\.[A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_])")
ASK = re.compile(  # "please write a movie plan for", "make a film about"
    r"^\s*(?:please\s+)?(?:write|make|draft|create|plan)\s+(?:me\s+)?(?:an?\s+|the\s+)?"
    r"(?:(?:movie|film|short)\s+)?(?:plan|script|film|movie)?\s*(?:for|about|of)?\s+",
    re.I,
)
BACKEND = re.compile(r"\b(?:with|using|backend)\s*[:=]?\s+([a-z][a-z0-9_]{0,47})\b", re.I)


class MissingArgument(ValueError):
    pass


def declarations(request: LlmRequest) -> list[dict[str, Any]]:
    """The request's function declarations as {name, properties: {name: type}, required}."""
    found = []
    for tool in (request.config.tools if request.config else None) or []:
        for decl in getattr(tool, "function_declarations", None) or []:
            schema = decl.parameters_json_schema
            if schema is None and decl.parameters is not None:
                schema = decl.parameters.model_dump(mode="json", exclude_none=True)
            schema = schema or {}
            properties = {
                name: _type_of(spec) for name, spec in (schema.get("properties") or {}).items()
            }
            found.append(
                {
                    "name": decl.name,
                    "properties": properties,
                    "required": list(schema.get("required") or []),
                }
            )
    return found


def _type_of(spec: dict[str, Any]) -> str:
    """A JSON schema's type, the first non-null one of an `anyOf` (`int | None`)."""
    kind = spec.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind is None:
        kinds = [_type_of(each) for each in spec.get("anyOf") or []]
        kind = next((k for k in kinds if k != "null"), "string")
    return str(kind).lower()


def _take(pattern: re.Pattern[str], text: str) -> tuple[str | None, str]:
    match = pattern.search(text)
    if match is None:
        return None, text
    return match.group(1), text[: match.start()] + " " + text[match.end() :]


def arguments(text: str, properties: dict[str, str], required: list[str]) -> dict[str, Any]:
    """The call's arguments from the request's words (see the module docstring);
    MissingArgument naming the first required one it cannot find."""
    found: dict[str, Any] = {}
    rest = text
    for name, kind in properties.items():
        if name in TEXT_PARAMETERS:
            continue
        if name == "run_id":
            value, rest = _take(RUN_ID, rest)
        elif name == "step_id":
            value, rest = _take(STEP_ID, rest)
        elif name == "backend":
            value, rest = _take(BACKEND, rest)
        elif kind in ("integer", "number"):
            value, rest = _take(re.compile(rf"\b{re.escape(name)}\s*[:=]?\s*(-?\d+)\b", re.I), rest)
        else:
            pattern = re.compile(rf"\b{re.escape(name)}\s*[:=]\s*(\S+)", re.I)
            value, rest = _take(pattern, rest)
        if value is not None:
            found[name] = int(value) if kind == "integer" else value
    for name in (n for n in properties if n in TEXT_PARAMETERS):
        head, colon, tail = rest.partition(":")
        value = tail if colon else ASK.sub("", head, count=1)
        value = value.strip(" \t\n,.;")
        value = re.sub(r"\s{2,}", " ", value)
        if value:
            found[name] = value
    missing = [name for name in required if name not in found]
    if missing:
        raise MissingArgument(missing[0])
    return found


def _user_text(request: LlmRequest) -> str:
    for content in reversed(request.contents or []):
        if content.role == "user":
            text = " ".join(p.text for p in content.parts or [] if p.text)
            if text.strip():
                return text.strip()
    return ""


def _answered(request: LlmRequest) -> Any:
    """The function's response, when the last turn carries one."""
    last = (request.contents or [None])[-1]
    for part in (last.parts or []) if last is not None else []:
        if part.function_response is not None:
            return part.function_response.response
    return None


def report(result: Any) -> str:
    """Words for what the tool answered: its error, the outputs it stored, or the plan."""
    if not isinstance(result, dict):
        return f"The tool answered: {json.dumps(result, default=str)[:300]}"
    if isinstance(result.get("error"), dict):
        error = result["error"]
        return f"The tool refused: {error.get('type')}: {error.get('message')}"
    if isinstance(result.get("outputs"), list):
        uris = ", ".join(str(o.get("uri")) for o in result["outputs"] if isinstance(o, dict))
        return f"{result.get('backend')} rendered {result.get('step_id')}: {uris}"
    if isinstance(result.get("plan"), dict):
        plan = result["plan"]
        return f"Wrote the plan {plan.get('title')!r} ({len(plan.get('shots') or [])} shots)"
    return f"The tool answered: {json.dumps(result, default=str)[:300]}"


def _usage(asked: str, said: str) -> types.GenerateContentResponseUsageMetadata:
    prompt, answer = len(asked.split()), max(1, len(said) // 4)
    return types.GenerateContentResponseUsageMetadata(
        prompt_token_count=prompt, candidates_token_count=answer, total_token_count=prompt + answer
    )


def _say(text: str) -> LlmResponse:
    return LlmResponse(
        content=types.Content(role="model", parts=[types.Part(text=text)]),
        usage_metadata=_usage("", text),
    )


class ToolCallerLlm(BaseLlm):
    model: str = MODEL_NAME

    @classmethod
    def supported_models(cls) -> list[str]:
        return [rf"^{MODEL_NAME}$"]

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        result = _answered(llm_request)
        if result is not None:  # the call came back: report it
            yield _say(report(result))
            return
        text = _user_text(llm_request)
        functions = declarations(llm_request)
        if len(functions) != 1:
            yield _say(f"I call exactly one function; this agent offers {len(functions)}")
            return
        function = functions[0]
        try:
            args = arguments(text, function["properties"], function["required"])
        except MissingArgument as exc:
            answer = f"I need {exc.args[0]} to call {function['name']}; the request does not say it"
            yield LlmResponse(content=types.Content(role="model", parts=[types.Part(text=answer)]))
            return
        call = types.FunctionCall(name=function["name"], args=args)
        yield LlmResponse(
            content=types.Content(role="model", parts=[types.Part(function_call=call)])
        )


_registered = False


def register() -> None:
    """Make `LlmAgent(model="sparkle-tool-caller")` resolve to this model. Idempotent."""
    global _registered
    if not _registered:
        LLMRegistry.register(ToolCallerLlm)
        _registered = True
