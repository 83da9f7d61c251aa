from __future__ import annotations

import json
import shutil

import pytest

from sparkle_motion.errors import SchemaRegistryError
from sparkle_motion.schemas import SCHEMA_MODELS
from sparkle_motion.schemas.registry import (
    CONFIG_NAME,
    ensure_schema_artifacts,
    export_schema_artifacts,
    schema_uri,
)
from tests.conftest import REPO

REQUIRED = {
    "movie_plan",
    "asset_refs",
    "stage_event",
    "checkpoint",
    "artifact_ref",
    "step_execution_record",
    "run_context",
    "simulate_execution_report",
    "video_final_manifest",
}


def test_committed_registry_is_complete_and_fresh():
    registry = ensure_schema_artifacts(REPO / "configs" / CONFIG_NAME, check_fresh=True)
    assert REQUIRED <= set(registry.names()) == set(SCHEMA_MODELS)
    art = registry.get("movie_plan")
    assert art.uri == "artifact://sparkle-motion/schemas/movie_plan/v1"
    assert registry.get(art.uri) is art
    assert art.load()["$id"] == art.uri and art.load()["title"] == "MoviePlan"
    assert art.local_path == (REPO / "configs" / "schemas" / "movie_plan.schema.json").resolve()


@pytest.fixture
def configs(tmp_path):
    export_schema_artifacts(tmp_path)
    return tmp_path


def test_export_then_load(configs):
    registry = ensure_schema_artifacts(configs / CONFIG_NAME, check_fresh=True)
    assert registry.uri("checkpoint") == schema_uri("checkpoint")


def test_unknown_name(configs):
    with pytest.raises(SchemaRegistryError, match="unknown schema 'qa_report'"):
        ensure_schema_artifacts(configs / CONFIG_NAME).get("qa_report")


def test_stale_schema_is_detected(configs):
    path = configs / "schemas" / "stage_event.schema.json"
    data = json.loads(path.read_text())
    data["properties"].pop("message")
    path.write_text(json.dumps(data))
    assert ensure_schema_artifacts(configs / CONFIG_NAME)  # runtime load tolerates
    with pytest.raises(SchemaRegistryError, match=r"stale.*make schemas"):
        ensure_schema_artifacts(configs / CONFIG_NAME, check_fresh=True)


def test_missing_file_and_wrong_id(configs):
    (configs / "schemas" / "checkpoint.schema.json").unlink()
    with pytest.raises(SchemaRegistryError, match=r"schemas.checkpoint.local_path: file not found"):
        ensure_schema_artifacts(configs / CONFIG_NAME)
    export_schema_artifacts(configs)
    path = configs / "schemas" / "checkpoint.schema.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "$id": "artifact://elsewhere"}))
    with pytest.raises(SchemaRegistryError, match=r"\$id 'artifact://elsewhere'"):
        ensure_schema_artifacts(configs / CONFIG_NAME)


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda t: t.replace("schemas/movie_plan/v1", "schemas/movie_plan/v2"), "uri must be"),
        (
            lambda t: t.replace(
                "model: sparkle_motion.schemas.MoviePlan", "model: sparkle_motion.schemas.Nope"
            ),
            "cannot import",
        ),
        (
            lambda t: t.replace("registry_version: 1", "registry_version: 1\nextra: 2"),
            "unknown field",
        ),
        (lambda t: t + "\n  : [", "invalid YAML"),
    ],
)
def test_bad_registry_files(configs, edit, match):
    path = configs / CONFIG_NAME
    path.write_text(edit(path.read_text()))
    with pytest.raises(SchemaRegistryError, match=match):
        ensure_schema_artifacts(path)


def test_missing_registry(tmp_path):
    with pytest.raises(SchemaRegistryError, match="cannot read"):
        ensure_schema_artifacts(tmp_path / CONFIG_NAME)


def test_registry_folder_can_move(configs, tmp_path):
    moved = tmp_path / "moved"
    shutil.copytree(configs, moved)
    assert (
        ensure_schema_artifacts(moved / CONFIG_NAME)
        .get("movie_plan")
        .local_path.is_relative_to(moved)
    )
