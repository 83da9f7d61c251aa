"""What `sparkle-motion serve` starts: the production API and each FunctionTool whose catalog
URL is on this host, each as a uvicorn process of its own, with the python of its own
environment when its tool.yaml names one (`venv`: `$SPARKLE_HOME/venvs/<tool>/bin/python`,
else the checkout's `venv_dir`, e.g. `.venv-lipsync` that `make setup-lipsync` makes). A
tool whose environment does not exist, or whose URL names another host, is not started:
the reason says which and why (and which command makes the environment).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from ..catalog.tool_specs import TOOL_IDS, load_tool_spec
from ..catalog.where import load_catalog, local_url, tool_python
from ..config import Settings
from ..errors import ConfigError

API = "api"


@dataclass(frozen=True)
class Unit:
    name: str  # "api" or a tool id
    host: str
    port: int
    python: str

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


def plan_units(
    settings: Settings, *, host: str, port: int, tools: list[str] | None
) -> tuple[list[Unit], list[Skipped]]:
    """The API at host:port and the tools asked (`tools`; None: every one), in stage order."""
    catalog = load_catalog(settings)
    asked = list(TOOL_IDS) if tools is None else tools
    unknown = [t for t in asked if t not in TOOL_IDS]
    if unknown:
        raise ConfigError(
            f"--tools: not tools: {', '.join(unknown)} (tools: {', '.join(TOOL_IDS)})",
            context={"field": "tools"},
        )
    units = [Unit(API, host, port, sys.executable)]
    skipped: list[Skipped] = []
    for tool in (t for t in TOOL_IDS if t in asked):
        url = catalog.tools[tool]
        bind = local_url(url)
        if bind is None:
            skipped.append(Skipped(tool, f"served elsewhere: {url} (the catalog says so)"))
            continue
        tool_host, tool_port = bind
        if tool_port == port:
            raise ConfigError(
                f"{tool}: its catalog URL {url} takes the API's port {port}",
                context={"field": "port"},
            )
        spec = load_tool_spec(tool)
        python = sys.executable
        if spec.venv:
            own = tool_python(settings, tool)
            if not own.exists():
                skipped.append(
                    Skipped(tool, f"needs its own environment ({spec.venv}); {own} is missing")
                )
                continue
            python = str(own)
        units.append(Unit(tool, tool_host, tool_port, python))
    return units, skipped
