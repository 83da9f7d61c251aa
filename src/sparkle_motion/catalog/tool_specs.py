"""A FunctionTool's metadata, `function_tools/<tool_id>/tool.yaml`, validated on load.

    id, title, stage          the tool and the stage-table row it serves
    default_port              127.0.0.1:<port> when served on its own (7861..7866)
    venv                      how its own virtual environment is made, if it needs one
    venv_dir                  that environment's folder in a checkout (`.venv-lipsync`)
    backends                  adapter registry names (`kind: adapter`) or planner models
                              (`kind: planner`, the script tool): default, gpu, planned (not
                              built yet), env vars read, weights (Settings fields naming local
                              weights that must exist), install hint, cost hints
    capabilities, resources   what it can do (the seeds' `supports()`), what it holds
    scopes                    IAM-style permissions it needs (`artifacts.read`, `gpu.lease`)

A bad file is a ConfigError naming the file and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..config import ENV_TABLE, Settings
from ..errors import ConfigError
from ..resources import function_tools_dir
from ..stages import STAGE_TABLE

# the six FunctionTools, in stage order; each is a `tool_id` of the stage table
TOOL_IDS: tuple[str, ...] = (
    "script_agent",
    "tts_chatterbox",
    "images_sdxl",
    "videos_wan",
    "lipsync_wav2lip",
    "assemble_ffmpeg",
)
SPEC_FILE = "tool.yaml"
NAME = r"^[a-z][a-z0-9_]{0,47}$"
ENV_NAMES = frozenset(n for var in ENV_TABLE for n in var.names)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CostHints(_Strict):
    """Rough figures for planning and budgets; the adapter's `estimate()` is the real one."""

    seconds_per_step: float = Field(ge=0)
    usd_per_step: float = Field(0.0, ge=0)


class BackendSpec(_Strict):
    name: str = Field(pattern=NAME)
    kind: Literal["adapter", "planner"] = "adapter"
    description: str = Field("", max_length=300)
    default: bool = False
    gpu: bool = False
    planned: bool = False  # not built yet: /ready and /invoke say so, never a fake result
    env: list[str] = Field(default_factory=list)
    weights: list[str] = Field(default_factory=list)
    install: str | None = Field(None, max_length=200)
    # the module that marks its tool's own environment (`lipsync`): where it cannot be
    # imported, a run starts the tool from that environment on demand (catalog/on_demand.py)
    needs: str | None = Field(None, pattern=r"^[a-z_][a-z0-9_]{0,40}$")
    cost: CostHints

    @model_validator(mode="after")
    def _known_names(self) -> BackendSpec:
        unknown_env = [e for e in self.env if e not in ENV_NAMES]
        if unknown_env:
            raise ValueError(f"env: not settings env vars: {unknown_env}")
        unknown = [w for w in self.weights if w not in Settings.model_fields]
        if unknown:
            raise ValueError(f"weights: not settings fields: {unknown}")
        return self


class Resources(_Strict):
    """The most the tool holds while it renders (its largest backend)."""

    cpus: float = Field(gt=0, le=256)
    memory_mb: int = Field(ge=0)
    vram_mb: int = Field(0, ge=0)


class ToolSpec(_Strict):
    id: str = Field(pattern=NAME)
    title: str = Field(min_length=1, max_length=120)
    stage: str
    default_port: int = Field(ge=7861, le=7866)
    venv: str | None = Field(None, max_length=200)
    venv_dir: str | None = Field(None, pattern=r"^\.venv-[a-z0-9_-]{1,40}$")
    backends: list[BackendSpec] = Field(min_length=1)
    capabilities: list[str] = Field(min_length=1)
    resources: Resources
    scopes: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ToolSpec:
        names = [b.name for b in self.backends]
        if len(set(names)) != len(names):
            raise ValueError(f"backends: names repeat: {names}")
        defaults = [b.name for b in self.backends if b.default]
        if len(defaults) != 1:
            raise ValueError(f"backends: exactly one must be default, got {defaults}")
        bad = [s for s in self.scopes if not _scope_ok(s)]
        if bad:
            raise ValueError(f"scopes: want resource.action (e.g. artifacts.read), got {bad}")
        return self

    @property
    def default_backend(self) -> BackendSpec:
        return next(b for b in self.backends if b.default)

    def backend(self, name: str) -> BackendSpec | None:
        return next((b for b in self.backends if b.name == name), None)


def _scope_ok(scope: str) -> bool:
    resource, dot, action = scope.partition(".")
    return bool(dot) and resource.replace("_", "").isalpha() and action.replace("_", "").isalpha()


def load_tool_spec(tool_id: str, root: Path | None = None) -> ToolSpec:
    """`<root>/<tool_id>/tool.yaml` (root: the packaged function_tools), validated: its id is
    its folder's name and its stage is the stage table's row for that tool id."""
    path = (root or function_tools_dir()) / tool_id / SPEC_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such tool metadata (tools: {', '.join(TOOL_IDS)})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    try:
        spec = ToolSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "<file>"
        raise ConfigError(
            f"{path}: {where}: {first['msg']}", context={"field": where, "file": str(path)}
        ) from None
    if spec.id != tool_id:
        raise ConfigError(f"{path}: id: {spec.id!r} is not its folder's name {tool_id!r}")
    stages = [s.name for s in STAGE_TABLE if s.tool_id == tool_id]
    if spec.stage not in stages:
        raise ConfigError(
            f"{path}: stage: {spec.stage!r} is not the stage table's for {tool_id} ({stages})",
            context={"field": "stage", "file": str(path)},
        )
    return spec
