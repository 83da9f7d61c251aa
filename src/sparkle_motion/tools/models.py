"""Request and response bodies of the FunctionTools: strict (an unknown field is a 422
naming it). Inputs and outputs are artifact references, never paths of the host."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..schemas import ArtifactRef, RunContext, Step
from ..schemas.common import RUN_ID_PATTERN

BACKEND = r"^[a-z][a-z0-9_]{0,47}$"
RUN_ID = f"^{RUN_ID_PATTERN}$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _StepBody(_Body):
    backend: str | None = Field(None, pattern=BACKEND, description="Default: the tool's default.")
    run_id: str = Field(pattern=RUN_ID, max_length=100)
    step: Step
    context: RunContext
    inputs: dict[str, str] = Field(default_factory=dict, max_length=10_000)


class StepInvokeRequest(_StepBody):
    """Render one compiled step. `inputs` maps every reference the step reads (`@image.kf-000`,
    or a file name it names) to an artifact URI of the store this tool shares."""

    step_key: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{64}$",
        description="The caller's content key of the step: outputs are stored as "
        "`<step_id>-<key[:12]>-<i>`, as the in-process engine stores them.",
    )


class RenderRequest(_StepBody):
    """`request.json` of POST /render (catalog/wire.py): `inputs` maps every reference the
    step reads to the archive member holding its file; `upstream` is each upstream step's
    stored outputs, for backends that describe them."""

    upstream: dict[str, list[ArtifactRef]] = Field(default_factory=dict, max_length=10_000)


class StepInvokeResponse(_Body):
    tool: str
    backend: str
    step_id: str
    outputs: list[ArtifactRef]  # local_path is never sent


class ScriptInvokeRequest(_Body):
    idea: str = Field(min_length=1, max_length=2000)
    seed: int | None = Field(None, ge=0, le=2**32 - 1)
    backend: str | None = Field(
        None, pattern=BACKEND, description="Default: by SCRIPT_AGENT_MODEL."
    )


class ScriptInvokeResponse(_Body):
    tool: str
    backend: str
    model: str
    seed: int
    plan: dict[str, Any]  # the MoviePlan, as written (its steps compile at intake)
    warnings: list[dict[str, Any]]


class BackendState(_Body):
    name: str
    default: bool
    gpu: bool
    planned: bool
    registered: bool
    importable: bool
    weights_present: bool
    loaded: bool | None  # None: the backend does not say
    # what the step key of a step it renders includes (known once it imports)
    version: str | None = None
    model_id: str | None = None
    concurrent: bool = False  # renders several steps at once
    ready: bool
    missing: list[str]  # what stops it, each naming the fix


class ReadyResponse(_Body):
    tool: str
    stage: str
    backend: str  # the default backend, whose readiness `ready` is
    ready: bool
    backends: list[BackendState]


class ReleaseRequest(_Body):
    backend: str | None = Field(None, pattern=BACKEND, description="Default: every backend.")


class ReleaseResponse(_Body):
    tool: str
    backends: list[str]  # the backends asked to release
    unloaded: list[str]  # those that had a loaded state and dropped it
    gpu_lease: str  # what happened to the GPU lease


class AgentRequest(_Body):
    request: str = Field(
        min_length=1,
        max_length=2000,
        description="What to do, in words: `render image.kf-003 of run run-5b1c with sdxl`.",
    )


class AgentCall(_Body):
    name: str
    args: dict[str, Any]
    response: dict[str, Any]


class AgentResponse(_Body):
    tool: str
    model: str  # the agent's model
    request: str
    calls: list[AgentCall]  # the tool calls the agent made, with what each answered
    answer: str  # the agent's last words
