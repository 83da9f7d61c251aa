"""ADK's side of a FunctionTool: the keyframes tool served by uvicorn on a free loopback
port, an OpenAPIToolset built from its live /openapi.json (tools/toolset.py), and an ADK
LlmAgent with a scripted model that calls the tool's invoke operation. The keyframe the
agent's call stores is the same bytes a direct POST /invoke stores; a token the tool
refuses comes back to the model as a 401 and stores nothing; a wrong URL, token or tool
is a ConfigError before any agent runs."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.adk.agents import LlmAgent
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.genai import types

from sparkle_motion.errors import ConfigError
from sparkle_motion.server.app import create_production_app
from sparkle_motion.storage import open_artifact_store
from sparkle_motion.tools import images_sdxl
from sparkle_motion.tools.toolset import tool_toolset
from tests.conftest import make_settings
from tests.support.fake_llm import tool_then_report
from tests.support.media import context, small_plan, step
from tests.support.served import Served

TOKEN = "toolset-test-token-0123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("toolset-home")


@pytest.fixture(scope="module")
def settings(home):
    return make_settings(home=home, runs_dir=home / "runs", db_path=home / "s.db")


@pytest.fixture(scope="module")
def served(settings) -> Iterator[Served]:
    server = Served(images_sdxl.create_app(settings, token=TOKEN))
    yield server
    server.stop()


def invoke_body(run_id: str, step_id: str, **more) -> dict[str, Any]:
    """A StepInvokeRequest, as test_apps.py builds it."""
    ctx = context(small_plan("short.json"), run_id=run_id)
    return {
        "run_id": run_id,
        "step": step(ctx, step_id).model_dump(mode="json"),
        "context": ctx.model_dump(mode="json"),
        **more,
    }


async def agent_calls(toolset, name: str, args: dict[str, Any]) -> tuple[Any, str]:
    """Run an LlmAgent whose scripted model calls tool `name` once with `args`, then reports
    what came back: (the function response ADK recorded, the model's final text)."""
    model = tool_then_report(types.FunctionCall(name=name, args=args), json.dumps)
    agent = LlmAgent(
        name="keyframer", model=model, instruction="Render the keyframe.", tools=[toolset]
    )
    sessions = InMemorySessionService()
    runner = Runner(app_name="toolset_test", agent=agent, session_service=sessions)
    await sessions.create_session(app_name="toolset_test", user_id="u", session_id="s")
    events = [
        e
        async for e in runner.run_async(
            user_id="u",
            session_id="s",
            new_message=types.Content(role="user", parts=[types.Part(text="render kf-001")]),
        )
    ]
    responses = [r for e in events for r in e.get_function_responses() if r.name == name]
    texts = [p.text for e in events for p in (e.content.parts if e.content else []) if p.text]
    assert len(responses) == 1 and texts, events
    return responses[0].response, texts[-1]


def stored(settings, run_id: str) -> dict[str, bytes]:
    """The run's artifacts: {uri: bytes}."""
    store = open_artifact_store(settings, scan=False)
    try:
        return {ref.uri: store.read_bytes(ref.uri) for ref in store.list(run_id)}
    finally:
        store.close()


def test_the_toolset_names_the_tools_operations_and_calls_its_port(served):
    import asyncio

    toolset = tool_toolset("images_sdxl", base_url=served.url + "/", token=TOKEN)
    tools = asyncio.run(toolset.get_tools())
    names = {t.name for t in tools}
    assert {"images_sdxl_invoke", "images_sdxl_ready", "images_sdxl_release"} <= names
    assert all(n.startswith("images_sdxl_") for n in names) and len(names) == len(tools)
    invoke = next(t for t in tools if t.name == "images_sdxl_invoke")
    assert (invoke.endpoint.base_url, invoke.endpoint.path) == (served.url, "/invoke")
    declared = invoke._get_declaration().parameters_json_schema["properties"]
    assert {"run_id", "step", "context", "inputs", "step_key", "backend"} <= set(declared)
    only = asyncio.run(tool_toolset(served.url, token=TOKEN, operations=["invoke"]).get_tools())
    assert [t.name for t in only] == ["images_sdxl_invoke"]


async def test_an_agent_renders_the_keyframe_a_direct_post_renders(served, settings):
    toolset = tool_toolset("images_sdxl", base_url=served.url, token=TOKEN)
    key = "cd" * 32
    result, report = await agent_calls(
        toolset, "images_sdxl_invoke", invoke_body("agent", "image.kf-001", step_key=key)
    )
    assert "error" not in result, result
    assert result["tool"] == "images_sdxl" and result["backend"] == "procedural_keyframes"
    (out,) = result["outputs"]
    assert out["artifact_id"] == f"image.kf-001-{key[:12]}-0" and out["run_id"] == "agent"
    assert out["uri"] in report  # the model was given the tool's answer
    direct = httpx.post(
        f"{served.url}/invoke",
        json=invoke_body("direct", "image.kf-001", step_key=key),
        headers=AUTH,
        timeout=30,
    )
    assert direct.status_code == 200, direct.text
    (direct_out,) = direct.json()["outputs"]
    agent_bytes, direct_bytes = stored(settings, "agent"), stored(settings, "direct")
    assert list(agent_bytes) == [out["uri"]] and list(direct_bytes) == [direct_out["uri"]]
    assert agent_bytes[out["uri"]][:8] == b"\x89PNG\r\n\x1a\n"
    assert agent_bytes[out["uri"]] == direct_bytes[direct_out["uri"]]
    assert out["checksum_sha256"] == direct_out["checksum_sha256"]


async def test_a_token_the_tool_refuses_is_a_401_to_the_model_and_no_artifact(settings):
    """The tool restarts with another token after the toolset was built: the agent's call
    carries the old one."""
    first = Served(images_sdxl.create_app(settings, token=TOKEN))
    toolset = tool_toolset("images_sdxl", base_url=first.url, token=TOKEN)
    first.stop()
    again = Served(images_sdxl.create_app(settings, token="another-token-9876543"), first.port)
    try:
        result, report = await agent_calls(
            toolset, "images_sdxl_invoke", invoke_body("refused", "image.kf-001")
        )
    finally:
        again.stop()
    assert "outputs" not in result
    assert "Status Code: 401" in result["error"] and "Unauthorized" in result["error"]
    assert "401" in report
    assert stored(settings, "refused") == {}


def test_a_wrong_token_url_or_tool_is_a_config_error(served, settings):
    with pytest.raises(ConfigError, match="refused the token") as refused:
        tool_toolset("images_sdxl", base_url=served.url, token="not-the-token-000000")
    assert refused.value.context["field"] == "token"
    with pytest.raises(ConfigError, match="serves the tool 'images_sdxl', not 'videos_wan'"):
        tool_toolset("videos_wan", base_url=served.url, token=TOKEN)
    with pytest.raises(ConfigError, match="unknown tool"):
        tool_toolset("dall_e", base_url=served.url, token=TOKEN)
    with pytest.raises(ConfigError, match="no operation"):
        tool_toolset(served.url, token=TOKEN, operations=["paint"])
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{free.getsockname()[1]}"
    with pytest.raises(ConfigError, match="no tool answers"):
        tool_toolset(nobody, token=TOKEN, timeout_s=2)
    # an app of ours behind the same guard and token that is not a FunctionTool
    api = Served(create_production_app(settings, token=TOKEN))
    try:
        with pytest.raises(ConfigError, match="not a sparkle-motion FunctionTool"):
            tool_toolset(api.url, token=TOKEN)
    finally:
        api.stop()


def test_the_token_defaults_to_the_state_homes(served, home, tmp_path):
    """No `token`: SPARKLE_API_TOKEN (the settings' api_token), else the home's token file."""
    import asyncio

    same = make_settings(home=home, api_token=TOKEN)
    toolset = tool_toolset("images_sdxl", base_url=served.url, settings=same)
    assert "images_sdxl_invoke" in {t.name for t in asyncio.run(toolset.get_tools())}
    elsewhere = make_settings(home=tmp_path / "other-home")  # its own token file, made now
    with pytest.raises(ConfigError, match="refused the token"):
        tool_toolset("images_sdxl", base_url=served.url, settings=elsewhere)
    assert (tmp_path / "other-home" / "api_token").is_file()


def test_a_tool_id_alone_means_its_tool_yaml_port_on_loopback():
    from sparkle_motion.catalog.tool_specs import TOOL_IDS, load_tool_spec
    from sparkle_motion.tools.toolset import _where

    for tool_id in TOOL_IDS:
        port = load_tool_spec(tool_id).default_port
        assert _where(tool_id, None) == (tool_id, f"http://127.0.0.1:{port}")
    assert _where("http://127.0.0.1:9/", None) == (None, "http://127.0.0.1:9")
    with pytest.raises(ConfigError, match="not an http"):
        _where("images_sdxl", "127.0.0.1:9")
    with pytest.raises(ConfigError, match="two URLs"):
        _where("http://127.0.0.1:9", "http://127.0.0.1:10")


def test_import_sparkle_motion_tools_toolset_does_not_import_adk():
    import subprocess
    import sys

    code = (
        "import sys, sparkle_motion.tools.toolset; "
        "print(sorted(m for m in sys.modules if m.startswith('google.adk')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
