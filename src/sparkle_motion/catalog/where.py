"""The tool catalog, `<configs_dir>/tool_registry.yaml`: each tool's base URL and where each
backend runs (`local`, `tool`, `remote`; see the file's header). Validated on load: a bad
file is a ConfigError naming the file and the field.

`placement(backend, settings)` answers the one question the stage node asks: run this
backend here, or call which tool at which URL.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from ..config import Settings
from ..errors import ConfigError
from ..resources import configs_dir
from .tool_specs import TOOL_IDS, load_tool_spec

FILE_NAME = "tool_registry.yaml"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
Where = Literal["local", "tool", "remote"]


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tools: dict[str, str]
    backends: dict[str, Where] = {}

    @field_validator("tools")
    @classmethod
    def _urls(cls, tools: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(tools) - set(TOOL_IDS))
        if unknown:
            raise ValueError(f"not tools: {unknown} (tools: {', '.join(TOOL_IDS)})")
        missing = [t for t in TOOL_IDS if t not in tools]
        if missing:
            raise ValueError(f"every tool needs its URL; missing: {', '.join(missing)}")
        seen: dict[tuple[str, int], str] = {}
        for tool, url in tools.items():
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{tool}: want http(s)://host[:port], got {url!r}")
            if parts.path not in ("", "/") or parts.query or parts.fragment:
                raise ValueError(f"{tool}: a base URL has no path or query, got {url!r}")
            if parts.username or parts.password:
                raise ValueError(f"{tool}: no user or password in the URL (the token is sent)")
            try:
                port = parts.port or (443 if parts.scheme == "https" else 80)
            except ValueError:
                raise ValueError(f"{tool}: not a port in {url!r}") from None
            where = (parts.hostname, port)
            if where in seen:
                raise ValueError(f"{tool} and {seen[where]} both at {parts.hostname}:{port}")
            seen[where] = tool
        return {t: u.rstrip("/") for t, u in tools.items()}

    @model_validator(mode="after")
    def _backends_served(self) -> Catalog:
        served = tool_of_backend()
        for name, where in self.backends.items():
            if where == "local":
                continue
            tool = served.get(name)
            if tool is None:
                raise ValueError(f"backends.{name}: no tool serves it; only `local` fits")
            if tool not in self.tools:
                raise ValueError(f"backends.{name}: its tool {tool} has no URL under tools")
        return self


CHECKOUT = Path(__file__).resolve().parents[3]  # src/sparkle_motion/catalog/where.py


def tool_python(settings: Settings, tool: str) -> Path:
    """The python of a tool's own environment (when its tool.yaml names one): under
    `$SPARKLE_HOME/venvs/<tool>/` if there is one, else the checkout's `venv_dir` (an
    editable install's; the first when neither exists)."""
    home = Path(settings.home) / "venvs" / tool / "bin" / "python"
    venv_dir = load_tool_spec(tool).venv_dir
    checkout = CHECKOUT / venv_dir / "bin" / "python" if venv_dir else None
    if home.exists() or checkout is None or not checkout.exists():
        return home
    return checkout


@functools.cache
def tool_of_backend() -> dict[str, str]:
    """Adapter backend name -> the tool whose tool.yaml lists it."""
    found: dict[str, str] = {}
    for tool in TOOL_IDS:
        for backend in load_tool_spec(tool).backends:
            if backend.kind == "adapter":
                found.setdefault(backend.name, tool)
    return found


def catalog_path(settings: Settings) -> Path:
    """`<configs_dir>/tool_registry.yaml`, else the packaged one (a configs dir made before
    the catalog existed still works)."""
    path = settings.configs_dir / FILE_NAME
    return path if path.is_file() else configs_dir() / FILE_NAME


@functools.lru_cache(maxsize=8)
def _load(path: Path, mtime_ns: int) -> Catalog:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot load the tool catalog: {exc}") from None
    try:
        return Catalog.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "<file>"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(
            f"{path}: {where}: {message}", context={"field": where, "file": str(path)}
        ) from None


def load_catalog(settings: Settings) -> Catalog:
    path = catalog_path(settings).resolve()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise ConfigError(f"{path}: no tool catalog") from None
    return _load(path, mtime)


@dataclass(frozen=True)
class Placement:
    backend: str
    tool: str | None  # None: in-process
    url: str | None

    @property
    def remote(self) -> bool:
        return self.url is not None


def placement(backend: str, settings: Settings) -> Placement:
    """Where `backend` runs for this process: in-process, or over HTTP at its tool's URL."""
    catalog = load_catalog(settings)
    where = catalog.backends.get(backend, "local")
    tool = tool_of_backend().get(backend)
    if tool is not None and (where == "remote" or (where == "tool" and tool in settings.use_tools)):
        return Placement(backend, tool, catalog.tools[tool])
    return Placement(backend, None, None)


def local_url(url: str) -> tuple[str, int] | None:
    """Where `serve` binds a tool URL on this host (address, port); None for one it must
    not start (another host, or https, which a local uvicorn does not serve)."""
    parts = urlsplit(url)
    if parts.hostname not in LOCAL_HOSTS or parts.scheme != "http":
        return None
    return ("::1" if parts.hostname == "::1" else "127.0.0.1"), parts.port or 80
