"""A live FunctionTool as ADK tools: an `OpenAPIToolset` built from the tool's own
`/openapi.json`, so an ADK `LlmAgent` calls the tool over HTTP like any REST API.

    toolset = tool_toolset("images_sdxl", token=token)                   # 127.0.0.1:7863
    toolset = tool_toolset("images_sdxl", base_url="http://127.0.0.1:9001", token=token)
    toolset = tool_toolset("http://127.0.0.1:9001", token=token)         # the id from the app
    agent = LlmAgent(name="keyframes", model=..., tools=[toolset])

- The document is fetched with httpx and the bearer token (it is behind the token like
  every route but /health); its title names the tool, and a URL serving another tool (or
  something that is not one of ours) is a ConfigError, as are no answer and a refused token.
- The tool apps' documents carry no `servers` entry, and ADK calls `servers[0].url` plus
  the path (an empty base when there is none): the copy given to ADK names `base_url`.
- Operations are named `<tool_id>_<route>` (`images_sdxl_invoke`, `images_sdxl_ready`)
  instead of FastAPI's `invoke_invoke_post`; `operations=("invoke",)` keeps only those.
- The token reaches every call through the toolset's `header_provider` (ADK asks it when
  a tool runs inside an agent, i.e. with a tool context); a refused call comes back to the
  model as ADK's error result naming the status (`Status Code: 401`), never as a result.
- `allow_private_network_access=True`: the tools listen on loopback, which ADK's SSRF guard
  refuses by default.

google.adk is imported inside the function, never by `import sparkle_motion`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import httpx

from ..catalog.tool_specs import TOOL_IDS, load_tool_spec
from ..config import Settings, get_settings
from ..errors import ConfigError, MissingAdkSdkError
from ..tokens import api_token

if TYPE_CHECKING:
    from google.adk.tools.openapi_tool import OpenAPIToolset

TITLE_PREFIX = "sparkle-motion tool "  # create_tool_app's title: the tool id follows
METHODS = ("get", "post", "put", "patch", "delete")


def tool_toolset(
    tool: str,
    *,
    token: str | None = None,
    base_url: str | None = None,
    operations: Sequence[str] | None = None,
    settings: Settings | None = None,
    timeout_s: float = 10.0,
) -> OpenAPIToolset:
    """ADK tools for the FunctionTool served at `base_url`. `tool` is a tool id (its
    tool.yaml's port on 127.0.0.1 unless `base_url`) or the tool's URL; `token` defaults
    to the state home's API token (SPARKLE_API_TOKEN, else `$SPARKLE_HOME/api_token`)."""
    try:
        from google.adk.tools.openapi_tool import OpenAPIToolset
    except ImportError as exc:  # pragma: no cover - google-adk is a core dependency
        raise MissingAdkSdkError(
            "google-adk is not installed: pip install google-adk", cause=exc
        ) from None

    tool_id, base = _where(tool, base_url)
    bearer = token or api_token(settings or get_settings())
    spec = fetch_openapi(base, bearer, timeout_s=timeout_s)
    served = _served_tool(spec, base)
    if tool_id is not None and served != tool_id:
        raise ConfigError(
            f"{base} serves the tool {served!r}, not {tool_id!r}",
            context={"field": "base_url", "url": base},
        )
    names = _rename_operations(spec, served)
    if operations is not None:
        unknown = sorted(set(operations) - set(names))
        if unknown:
            raise ConfigError(
                f"tool {served} has no operation {unknown} (it has {sorted(names)})",
                context={"field": "operations"},
            )
    spec["servers"] = [{"url": base}]
    headers = {"Authorization": f"Bearer {bearer}"}
    return OpenAPIToolset(
        spec_dict=spec,
        header_provider=lambda _context: dict(headers),
        allow_private_network_access=True,
        tool_filter=None if operations is None else [names[o] for o in operations],
    )


def fetch_openapi(base_url: str, token: str, *, timeout_s: float = 10.0) -> dict[str, Any]:
    """The tool's OpenAPI document (a fresh dict); ConfigError when nothing answers, the
    token is refused or the answer is not an OpenAPI document."""
    url = f"{base_url}/openapi.json"
    try:
        answer = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout_s)
    except httpx.HTTPError as exc:
        raise ConfigError(
            f"no tool answers at {base_url} ({type(exc).__name__}: {exc}); serve it with "
            "`python -m sparkle_motion.tools.<tool_id>`",
            context={"field": "base_url", "url": base_url},
        ) from None
    if answer.status_code == 401:
        raise ConfigError(
            f"{base_url} refused the token (401): the tool's token is its state home's "
            "api_token or SPARKLE_API_TOKEN",
            context={"field": "token", "url": base_url},
        )
    if answer.status_code != 200:
        raise ConfigError(
            f"GET {url} answered {answer.status_code}: {answer.text[:200]}",
            context={"field": "base_url", "url": base_url},
        )
    try:
        spec = answer.json()
    except ValueError:
        spec = None
    if not isinstance(spec, dict) or not isinstance(spec.get("paths"), dict):
        raise ConfigError(
            f"GET {url} is not an OpenAPI document", context={"field": "base_url", "url": base_url}
        )
    return copy.deepcopy(spec)


def _where(tool: str, base_url: str | None) -> tuple[str | None, str]:
    """(the tool id asked, or None for a bare URL; the base URL without a trailing /)."""
    if tool.startswith(("http://", "https://")):
        if base_url is not None and base_url.rstrip("/") != tool.rstrip("/"):
            raise ConfigError(
                f"two URLs for one tool: {tool} and base_url {base_url}",
                context={"field": "base_url"},
            )
        return None, tool.rstrip("/")
    if tool not in TOOL_IDS:
        raise ConfigError(
            f"unknown tool {tool!r} (tools: {', '.join(TOOL_IDS)}; or give the tool's URL)",
            context={"field": "tool"},
        )
    if base_url is not None:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"base_url {base_url!r} is not an http(s) URL", context={"field": "base_url"}
            )
        return tool, base_url.rstrip("/")
    return tool, f"http://127.0.0.1:{load_tool_spec(tool).default_port}"


def _served_tool(spec: dict[str, Any], base_url: str) -> str:
    """The tool id the document's title names (create_tool_app's `sparkle-motion tool <id>`)."""
    title = str((spec.get("info") or {}).get("title", ""))
    served = title[len(TITLE_PREFIX) :] if title.startswith(TITLE_PREFIX) else ""
    if served not in TOOL_IDS:
        raise ConfigError(
            f"{base_url} is not a sparkle-motion FunctionTool (its API is {title!r})",
            context={"field": "base_url", "url": base_url},
        )
    return served


def _rename_operations(spec: dict[str, Any], tool_id: str) -> dict[str, str]:
    """Name each operation `<tool_id>_<route>` (the method added when a route has several);
    returns {route name: operation id}."""
    names: dict[str, str] = {}
    for path, item in spec["paths"].items():
        methods = [m for m in METHODS if isinstance(item, dict) and m in item]
        route = path.strip("/").replace("/", "_").replace("{", "").replace("}", "") or "root"
        for method in methods:
            name = route if len(methods) == 1 else f"{route}_{method}"
            item[method]["operationId"] = names[name] = f"{tool_id}_{name}"
    return names
