"""What `serve` starts: the API and the tools the catalog puts on this host, in stage order;
a tool on another host, or one whose own environment does not exist, is skipped with the
reason; an unknown tool or a port clash is a ConfigError naming the option."""

from __future__ import annotations

import shutil
import sys

import pytest
import yaml

from sparkle_motion.catalog import where
from sparkle_motion.errors import ConfigError
from sparkle_motion.resources import configs_dir
from sparkle_motion.serving.units import API, plan_units, tool_python
from tests.conftest import make_settings


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setattr(where, "CHECKOUT", tmp_path / "checkout")  # no .venv-* there
    configs = tmp_path / "configs"
    shutil.copytree(configs_dir(), configs)
    catalog = yaml.safe_load((configs / "tool_registry.yaml").read_text())
    catalog["tools"]["videos_wan"] = "http://gpu-box:7864"
    (configs / "tool_registry.yaml").write_text(yaml.safe_dump(catalog))
    return make_settings(home=tmp_path / "home", configs_dir=configs)


def test_the_api_and_the_local_tools_in_stage_order(settings):
    units, skipped = plan_units(settings, host="127.0.0.1", port=7860, tools=None)
    assert [u.name for u in units] == [API, "script_agent", "images_sdxl", "assemble_ffmpeg"]
    assert units[0].url == "http://127.0.0.1:7860" and units[2].port == 7863
    assert all(u.python == sys.executable for u in units)
    reasons = {s.name: s.reason for s in skipped}
    assert "http://gpu-box:7864" in reasons["videos_wan"]
    assert "make setup-chatterbox" in reasons["tts_chatterbox"]
    assert "make setup-lipsync" in reasons["lipsync_wav2lip"]


def test_a_checkouts_tool_environment_is_found_when_the_home_has_none(settings, tmp_path):
    python = tmp_path / "checkout" / ".venv-lipsync" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    assert tool_python(settings, "lipsync_wav2lip") == python
    units_, _ = plan_units(settings, host="127.0.0.1", port=7860, tools=["lipsync_wav2lip"])
    assert [(u.name, u.python) for u in units_[1:]] == [("lipsync_wav2lip", str(python))]
    assert tool_python(settings, "script_agent").parts[-4:] == (
        "venvs",
        "script_agent",
        "bin",
        "python",
    )


def test_a_tool_with_its_own_environment_runs_from_its_python(settings):
    python = tool_python(settings, "tts_chatterbox")
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    units, _ = plan_units(settings, host="127.0.0.1", port=7860, tools=["tts_chatterbox"])
    assert [(u.name, u.python) for u in units[1:]] == [("tts_chatterbox", str(python))]


def test_a_subset_an_unknown_tool_and_a_port_clash(settings):
    units, _ = plan_units(settings, host="127.0.0.1", port=7860, tools=[])
    assert [u.name for u in units] == [API]
    with pytest.raises(ConfigError, match="not tools: painter") as caught:
        plan_units(settings, host="127.0.0.1", port=7860, tools=["painter"])
    assert caught.value.context["field"] == "tools"
    with pytest.raises(ConfigError, match="takes the API's port 7863"):
        plan_units(settings, host="127.0.0.1", port=7863, tools=["images_sdxl"])
