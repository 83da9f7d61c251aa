"""Build ADK agents the one way: an explicit model, typed errors, a lifecycle registry.

    require_adk(allow_fixture=False, model_spec=None)   SDK importable, model credentials present
    get_agent(tool_name, model_spec, mode='per-tool', config=None) -> LlmAgent
    create_agent(config) -> LlmAgent                    low level, no registry
    close_agent(tool_name); shutdown()                  lifecycle

Models by name (SCRIPT_AGENT_MODEL):
- `sparkle-offline-planner`: our offline BaseLlm (no key, no network);
- `gemini-*`: needs GOOGLE_API_KEY (or Vertex AI settings);
- `provider/model` (`ollama/llama3`, `openai/gpt-4o`): ADK's LiteLlm, from
  `pip install 'google-adk[extensions]'`; `openai/` also needs OPENAI_API_KEY.
A missing SDK, package or key is MissingAdkSdkError naming the fix; nothing falls back to
another model silently. `ADK_USE_FIXTURE=1` (or allow_fixture) selects the offline model
explicitly and logs a memory event saying so.

This module imports google.adk lazily, inside the functions that need it.
"""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .errors import AdkAgentCreationError, AdkAgentLifecycleError, MissingAdkSdkError

OFFLINE_MODEL = "sparkle-offline-planner"
TOOL_CALLER_MODEL = "sparkle-tool-caller"  # the FunctionTools' agents' offline default
Mode = Literal["per-tool", "shared"]


@dataclass(frozen=True)
class ModelSpec:
    """Which model and how to sample it. `model` may be a name or a BaseLlm instance."""

    model: Any
    seed: int | None = None
    temperature: float | None = None

    def __str__(self) -> str:
        name = (
            self.model
            if isinstance(self.model, str)
            else getattr(self.model, "model", type(self.model).__name__)
        )
        return f"{name} (seed={self.seed})" if self.seed is not None else str(name)


@dataclass(frozen=True)
class AgentConfig:
    name: str
    model: ModelSpec
    instruction: str = ""
    description: str = ""
    output_schema: Any = None
    output_key: str | None = None
    tools: Sequence[Any] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)  # further LlmAgent fields


@dataclass
class AgentHandle:
    tool_name: str  # the tool that created it
    agent: Any
    model_spec: ModelSpec
    mode: Mode
    created_at: float
    last_used_at: float
    config: AgentConfig | None = None
    users: set[str] = field(default_factory=set)  # tools holding it (several when shared)


_agents: dict[str, AgentHandle] = {}
_lock = threading.RLock()


def _spec(model_spec: ModelSpec | str | Any) -> ModelSpec:
    return model_spec if isinstance(model_spec, ModelSpec) else ModelSpec(model_spec)


def fixture_mode(env: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if env is None else env).get("ADK_USE_FIXTURE", "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def require_adk(*, allow_fixture: bool = False, model_spec: ModelSpec | str | None = None) -> bool:
    """Fail fast (MissingAdkSdkError) unless google-adk imports and `model_spec`'s
    credentials or packages are present. When they are missing and fixture mode is allowed
    (here or by ADK_USE_FIXTURE=1), returns True: the caller must use the offline model.
    Returns False when the real model can be used."""
    if importlib.util.find_spec("google.adk") is None:
        raise MissingAdkSdkError("google-adk is not installed: pip install 'google-adk>=2.13'")
    if model_spec is None:
        return False
    try:
        _check_model(_spec(model_spec))
    except MissingAdkSdkError:
        if allow_fixture or fixture_mode():
            return True
        raise
    return False


def _check_model(spec: ModelSpec) -> None:
    if not isinstance(spec.model, str) or spec.model in (OFFLINE_MODEL, TOOL_CALLER_MODEL):
        return
    name = spec.model
    if name.startswith("gemini"):
        vertex = os.environ.get("GOOGLE_GENAI_USE_VERTEXAI", "").lower() in {"1", "true"}
        if not os.environ.get("GOOGLE_API_KEY") and not (
            vertex and os.environ.get("GOOGLE_CLOUD_PROJECT")
        ):
            raise MissingAdkSdkError(
                f"model {name!r} needs GOOGLE_API_KEY (or GOOGLE_GENAI_USE_VERTEXAI=1 with "
                f"GOOGLE_CLOUD_PROJECT); set it, or use SCRIPT_AGENT_MODEL={OFFLINE_MODEL}",
                model_spec=spec,
            )
    elif "/" in name:
        if importlib.util.find_spec("litellm") is None:
            raise MissingAdkSdkError(
                f"model {name!r} runs through ADK's LiteLlm: pip install 'google-adk[extensions]'",
                model_spec=spec,
            )
        if name.startswith("openai/") and not os.environ.get("OPENAI_API_KEY"):
            raise MissingAdkSdkError(f"model {name!r} needs OPENAI_API_KEY", model_spec=spec)
    else:
        raise MissingAdkSdkError(
            f"unknown model {name!r}: use {OFFLINE_MODEL}, gemini-*, or provider/model for LiteLlm",
            model_spec=spec,
        )


def resolve_model(model_spec: ModelSpec | str | Any) -> Any:
    """The `model` argument for LlmAgent: a registered name, a LiteLlm, or a BaseLlm instance."""
    spec = _spec(model_spec)
    if not isinstance(spec.model, str):
        return spec.model
    if importlib.util.find_spec("google.adk") is None:
        raise MissingAdkSdkError(
            "google-adk is not installed: pip install 'google-adk>=2.13'", model_spec=spec
        )
    _check_model(spec)
    if spec.model == OFFLINE_MODEL:
        from .offline_planner.offline_model import register

        register()
        return spec.model
    if spec.model == TOOL_CALLER_MODEL:
        from .offline_planner import tool_caller

        tool_caller.register()
        return spec.model
    if "/" in spec.model:
        from google.adk.models.lite_llm import LiteLlm

        return LiteLlm(model=spec.model)
    return spec.model


def create_agent(config: AgentConfig) -> Any:
    """An LlmAgent from `config`, always with an explicit model."""
    try:
        from google.adk.agents import LlmAgent
        from google.genai import types
    except ImportError as exc:
        raise MissingAdkSdkError(
            "google-adk is not installed: pip install 'google-adk>=2.13'", cause=exc
        ) from exc
    model = resolve_model(config.model)
    gen = None
    if config.model.seed is not None or config.model.temperature is not None:
        gen = types.GenerateContentConfig(
            seed=config.model.seed, temperature=config.model.temperature
        )
    kwargs: dict[str, Any] = {
        "name": config.name,
        "model": model,
        "instruction": config.instruction,
        "description": config.description,
        "tools": list(config.tools),
        **dict(config.extra),
    }
    if gen is not None:
        kwargs["generate_content_config"] = gen
    if config.output_schema is not None:
        kwargs["output_schema"] = config.output_schema
    if config.output_key is not None:
        kwargs["output_key"] = config.output_key
    try:
        return LlmAgent(**kwargs)
    except Exception as exc:
        raise AdkAgentCreationError(
            f"cannot create agent {config.name!r}: {exc}",
            tool_name=config.name,
            model_spec=config.model,
            cause=exc,
        ) from exc


def get_agent(
    tool_name: str,
    model_spec: ModelSpec | str | Any,
    mode: Mode = "per-tool",
    *,
    config: AgentConfig | None = None,
) -> Any:
    """The agent for `tool_name` (per-tool) or for the model (shared), created on first use
    and re-created when the model spec changes. `config` supplies instruction/schema."""
    if mode not in ("per-tool", "shared"):
        raise AdkAgentCreationError(
            f"mode must be 'per-tool' or 'shared', got {mode!r}", tool_name=tool_name
        )
    spec = _spec(model_spec)
    key = tool_name if mode == "per-tool" else f"shared:{spec!r}"
    with _lock:
        handle = _agents.get(key)
        if (
            handle is not None
            and handle.model_spec == spec
            and (config is None or handle.config == config)
        ):
            handle.last_used_at = time.time()
            handle.users.add(tool_name)
            return handle.agent
        agent_config = (
            replace(config, model=spec)
            if config
            else AgentConfig(name=_agent_name(tool_name), model=spec)
        )
        agent = create_agent(agent_config)
        now = time.time()
        _agents[key] = AgentHandle(tool_name, agent, spec, mode, now, now, config, {tool_name})
        return agent


def _agent_name(tool_name: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in tool_name) or "agent"


def registry() -> dict[str, AgentHandle]:
    """A copy of the live registry: key -> handle (created_at, last_used_at, mode)."""
    with _lock:
        return dict(_agents)


def close_agent(tool_name: str) -> None:
    """Release `tool_name`'s agent; a shared agent goes when its last tool lets go."""
    with _lock:
        keys = [k for k, h in _agents.items() if tool_name in h.users]
        if not keys:
            raise AdkAgentLifecycleError(f"no agent is open for {tool_name!r}", tool_name=tool_name)
        for key in keys:
            _agents[key].users.discard(tool_name)
            if not _agents[key].users:
                del _agents[key]


def shutdown() -> None:
    with _lock:
        _agents.clear()
