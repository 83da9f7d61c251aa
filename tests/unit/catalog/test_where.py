"""The tool catalog: the packaged one loads and names every tool; a bad one is a ConfigError
naming the field; `placement` puts a backend in-process, in its served tool or at its remote
URL exactly as the file and SPARKLE_USE_TOOLS say."""

from __future__ import annotations

import shutil

import pytest
import yaml

from sparkle_motion.catalog import adapter_for
from sparkle_motion.catalog.remote import RemoteAdapter
from sparkle_motion.catalog.tool_specs import TOOL_IDS
from sparkle_motion.catalog.where import load_catalog, local_url, placement, tool_of_backend
from sparkle_motion.errors import ConfigError
from sparkle_motion.resources import configs_dir
from tests.conftest import make_settings
from tests.support.media import context, small_plan, step


@pytest.fixture
def configs(tmp_path):
    into = tmp_path / "configs"
    shutil.copytree(configs_dir(), into)
    return into


def write(configs, catalog: dict) -> None:
    (configs / "tool_registry.yaml").write_text(yaml.safe_dump(catalog))


def packaged() -> dict:
    return yaml.safe_load((configs_dir() / "tool_registry.yaml").read_text())


def test_the_packaged_catalog_names_every_tool_and_every_served_backend():
    catalog = load_catalog(make_settings())
    assert set(catalog.tools) == set(TOOL_IDS)
    assert all(local_url(url) for url in catalog.tools.values())
    served = tool_of_backend()
    assert {"procedural_keyframes", "ffmpeg_motion", "ffmpeg", "sdxl", "wan"} <= set(served)
    assert served["ffmpeg_motion"] == "videos_wan" and served["piper"] == "tts_chatterbox"
    assert catalog.backends["piper"] == "local" and catalog.backends["sdxl"] == "tool"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: c["tools"].update(painter="http://127.0.0.1:1"), "tools"),
        (lambda c: c["tools"].update(images_sdxl="ftp://127.0.0.1:7863"), "tools"),
        (lambda c: c["tools"].update(images_sdxl="http://127.0.0.1:7863/api"), "tools"),
        (lambda c: c["backends"].update(audio_mux="tool"), "<file>"),  # no tool serves it
        (lambda c: c["backends"].update(piper="elsewhere"), "backends.piper"),
        (lambda c: c.update(extra=1), "extra"),
        (lambda c: c["tools"].pop("videos_wan"), "tools"),
        (lambda c: c["tools"].update(videos_wan="http://127.0.0.1:7863"), "tools"),  # a clash
        (lambda c: c["tools"].update(videos_wan="http://127.0.0.1:99999"), "tools"),
        (lambda c: c["tools"].update(videos_wan="http://me:pw@gpu:7864"), "tools"),
    ],
)
def test_a_bad_catalog_is_a_config_error_naming_the_field(configs, change, field):
    catalog = packaged()
    change(catalog)
    write(configs, catalog)
    with pytest.raises(ConfigError) as caught:
        load_catalog(make_settings(configs_dir=configs))
    assert "tool_registry.yaml" in caught.value.message
    assert caught.value.context["field"] == field, caught.value.message


def test_placement_follows_the_file_and_the_served_tools(configs):
    catalog = packaged()
    catalog["tools"]["videos_wan"] = "http://gpu-box:7864"
    catalog["backends"]["ffmpeg_motion"] = "remote"
    write(configs, catalog)
    alone = make_settings(configs_dir=configs)
    served = make_settings(configs_dir=configs, use_tools=["images_sdxl", "assemble_ffmpeg"])
    assert placement("procedural_keyframes", alone).url is None  # `tool`, not served
    found = placement("procedural_keyframes", served)
    assert (found.tool, found.url) == ("images_sdxl", "http://127.0.0.1:7863")
    assert placement("ffmpeg_motion", alone).url == "http://gpu-box:7864"  # `remote`: always
    assert placement("piper", served).url is None  # `local`
    assert placement("chatterbox", served).url is None  # its tool is not served
    assert placement("custom_handlers", served).url is None  # no tool serves it
    assert local_url("http://gpu-box:7864") is None and local_url("http://localhost:9") == (
        "127.0.0.1",
        9,
    )
    assert local_url("http://[::1]:7863") == ("::1", 7863)


def test_adapter_for_gives_the_transport_with_the_backends_identity_or_the_adapter_itself(
    configs,
):
    catalog = packaged()
    catalog["backends"]["procedural_keyframes"] = "remote"
    write(configs, catalog)
    ctx = context(small_plan("short.json"))
    keyframe, voice = step(ctx, "image.kf-000"), step(ctx, "tts.launch-l1")
    settings = make_settings(configs_dir=configs, api_token="catalog-test-token-0123")
    remote = adapter_for(keyframe, ctx.render_profile, settings)
    assert isinstance(remote, RemoteAdapter) and remote.name == "procedural_keyframes"
    assert remote.served_by == "images_sdxl at http://127.0.0.1:7863"
    assert adapter_for(keyframe, ctx.render_profile, settings) is remote  # one per URL
    local = adapter_for(voice, ctx.render_profile, settings)
    assert not isinstance(local, RemoteAdapter) and local.name == "piper"
    # a dry run needs no tool: the estimate is the backend's own when it imports here
    assert remote.estimate(keyframe, ctx.render_profile).time_s > 0
