"""Every function_tools/<tool>/tool.yaml loads and agrees with the stage table (tool id,
stage) and the adapter registry (a backend that is not planned is registered, a planned
one is not yet); a bad file is a ConfigError naming the file and the field."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from sparkle_motion.adapters.registry import registered
from sparkle_motion.catalog.tool_specs import TOOL_IDS, load_tool_spec
from sparkle_motion.errors import ConfigError
from sparkle_motion.resources import function_tools_dir
from sparkle_motion.stages import STAGE_TABLE
from tests.conftest import REPO


def test_the_six_tools_are_tool_ids_of_the_stage_table():
    table = {s.tool_id for s in STAGE_TABLE}
    assert len(TOOL_IDS) == 6 and set(TOOL_IDS) <= table
    assert sorted(p.name for p in function_tools_dir().iterdir() if p.is_dir()) == sorted(TOOL_IDS)
    assert function_tools_dir() == (REPO / "function_tools").resolve()  # a checkout reads its own


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_tool_yaml_agrees_with_the_stage_table_and_the_registry(tool_id):
    spec = load_tool_spec(tool_id)
    stage = next(s for s in STAGE_TABLE if s.name == spec.stage)
    assert spec.id == tool_id and stage.tool_id == tool_id
    for backend in spec.backends:
        if backend.kind != "adapter":
            continue
        assert (backend.name in registered()) != backend.planned, (
            f"{tool_id}: {backend.name} is {'planned' if backend.planned else 'built'} "
            "in tool.yaml; the registry says otherwise"
        )
        assert backend.gpu <= stage.gpu  # a GPU backend only on a GPU stage
    assert spec.scopes and spec.capabilities


def test_ports_are_distinct_in_the_tools_range():
    ports = [load_tool_spec(t).default_port for t in TOOL_IDS]
    assert sorted(ports) == list(range(7861, 7867))


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_the_entrypoint_exposes_the_packaged_app(tool_id):
    path = REPO / "function_tools" / tool_id / "entrypoint.py"
    module_spec = importlib.util.spec_from_file_location(f"entrypoint_{tool_id}", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    package = importlib.import_module(f"sparkle_motion.tools.{tool_id}")
    assert module.create_app is package.create_app and module.main is package.main
    with pytest.raises(AttributeError):
        module.no_such_thing  # noqa: B018


GOOD = (REPO / "function_tools" / "images_sdxl" / "tool.yaml").read_text()


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (
            lambda t: t.replace("    gpu: true\n", "    default: true\n    gpu: true\n"),
            "<file>",  # two defaults
        ),
        (lambda t: t + "colour: blue\n", "colour"),
        (lambda t: t.replace("stage: base_images", "stage: video"), "stage"),
        (lambda t: t.replace("default_port: 7863", "default_port: 80"), "default_port"),
        (lambda t: t.replace("IMAGES_SDXL_SEED", "IMAGES_SDXL_SEEDS"), "backends.1"),
        (lambda t: t.replace("weights: [images_sdxl_model]", "weights: [sdxl_path]"), "backends.1"),
        (lambda t: t.replace("gpu.lease", "gpu"), "<file>"),
        (lambda t: t.replace("cost: {seconds_per_step: 0.1}", ""), "backends.0.cost"),
    ],
)
def test_a_bad_tool_yaml_is_a_config_error_naming_the_field(tmp_path, edit, field):
    (tmp_path / "images_sdxl").mkdir()
    path = tmp_path / "images_sdxl" / "tool.yaml"
    path.write_text(edit(GOOD))
    with pytest.raises(ConfigError) as caught:
        load_tool_spec("images_sdxl", root=tmp_path)
    assert str(path) in caught.value.message
    if field != "<file>":
        assert f": {field}" in caught.value.message or caught.value.context.get("field") == field


def test_a_tool_yaml_in_the_wrong_folder_or_missing_or_not_yaml(tmp_path):
    shutil.copytree(REPO / "function_tools" / "images_sdxl", tmp_path / "videos_wan")
    with pytest.raises(ConfigError, match="folder's name"):
        load_tool_spec("videos_wan", root=tmp_path)
    with pytest.raises(ConfigError, match="no such tool metadata"):
        load_tool_spec("nope", root=tmp_path)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "tool.yaml").write_text("id: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_tool_spec("bad", root=tmp_path)
