"""The tts_chatterbox tool in its own environment (.venv-chatterbox: chatterbox-tts 0.1.7
with its torch 2.6, numpy<2 and starlette<1.0; `make setup-chatterbox`, about 6 GB, so
CI does not build it and this module is skipped there): the tool process starts on that
environment's FastAPI and starlette, imports the real package, says what its weights
lack in one line naming the env var and the files, refuses a line without them with that
typed error, and names the production API's route for its agent (google-adk cannot be
installed beside gradio's starlette pin). The HTTP contract with a model answering is
tests/integration/test_chatterbox_tool.py (a stand-in, in the main environment); the
real weights are tests/smoke/ under SMOKE_TTS=1."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import REPO, make_settings
from tests.support.media import context, small_plan, step
from tests.support.tool_process import start_tool

PYTHON = REPO / ".venv-chatterbox" / "bin" / "python"
TOKEN = "chatterbox-env-token-0123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

pytestmark = [
    pytest.mark.timeout(300),
    pytest.mark.skipif(not PYTHON.exists(), reason="needs .venv-chatterbox: make setup-chatterbox"),
]


@pytest.fixture(scope="module")
def tool(tmp_path_factory) -> Iterator[str]:
    empty = tmp_path_factory.mktemp("no-weights")
    settings = make_settings(home=tmp_path_factory.mktemp("cb-home"), tts_chatterbox_model=empty)
    url, child = start_tool(PYTHON, "tts_chatterbox", settings, TOKEN)
    yield url
    child.terminate()
    child.wait(30)


def test_the_tool_runs_on_its_own_environment_and_names_what_its_weights_lack(tool):
    ready = httpx.get(f"{tool}/ready", headers=AUTH, trust_env=False).json()
    (chatterbox,) = [b for b in ready["backends"] if b["name"] == "chatterbox"]
    assert chatterbox["importable"] is True  # the real package, in its own environment
    missing = " ".join(chatterbox["missing"])
    assert "TTS_CHATTERBOX_MODEL" in missing and "t3_cfg.safetensors" in missing
    ctx = context(small_plan())
    line = step(ctx, "tts.s1-lamp-l1")
    refused = httpx.post(
        f"{tool}/invoke",
        json={
            "run_id": "t1",
            "step": line.model_dump(mode="json"),
            "context": ctx.model_dump(mode="json"),
        },
        headers=AUTH,
        trust_env=False,
    )
    assert refused.status_code == 503
    error = refused.json()["error"]
    assert error["type"] == "MissingWeightsError" and "TTS_CHATTERBOX_MODEL" in error["message"]


def test_its_agent_is_asked_at_the_production_api(tool):
    said = httpx.post(
        f"{tool}/agent", json={"request": "render tts.s1-lamp-l1 of run t1"}, headers=AUTH,
        trust_env=False,
    )  # fmt: skip
    assert said.status_code == 503
    error = said.json()["error"]
    assert error["type"] == "MissingAdkSdkError"
    assert "POST /agent/tts_chatterbox" in error["message"]
