"""The schema registry: configs/schema_artifacts.yaml -> canonical URIs and local JSON Schemas.

Every agent, tool and prompt refers to a schema by its URI
(``artifact://sparkle-motion/schemas/<name>/v1``); the YAML maps each URI to a local file
exported from the pydantic model. `ensure_schema_artifacts` loads the YAML and proves each
file exists, parses, carries its URI as `$id`, and matches the model it was exported from
(a stale export is an error: run `make schemas`).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import SchemaRegistryError
from . import SCHEMA_MODELS, SCHEMA_VERSION

URI_TEMPLATE = "artifact://sparkle-motion/schemas/{name}/{version}"
CONFIG_NAME = "schema_artifacts.yaml"
SCHEMA_DIR = "schemas"

DESCRIPTIONS = {
    "movie_plan": "The creative plan of a film and the steps compiled from it.",
    "artifact_ref": "A stored, checksummed artifact and where it lives.",
    "asset_refs": "Everything a run has produced, by role (keyframes, line WAVs, clips, final).",
    "stage_event": "A progress/state event of one stage of a run.",
    "checkpoint": "A stage boundary: completed step keys and the assets so far.",
    "step_execution_record": "What one step did: key, status, timings, attempts, outputs, error.",
    "run_context": "The validated plan, resolved profile, shot timeline and TTS schedule of a run.",
    "simulate_execution_report": "A dry run's steps, time/memory/cost estimates and warnings.",
    "video_final_manifest": "The `video_final` row finalize publishes for clients.",
    "render_profiles": "configs/render_profiles.yaml: adapters and geometry per profile.",
}


def schema_uri(name: str, version: str = SCHEMA_VERSION) -> str:
    return URI_TEMPLATE.format(name=name, version=version)


def model_json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of a registered model, with its URI as `$id`."""
    model = SCHEMA_MODELS[name]
    schema = model.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_uri(name),
        **schema,
    }


def dump_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uri: str = Field(pattern=r"^artifact://sparkle-motion/schemas/[a-z_]+/v[0-9]+$")
    local_path: str
    model: str = Field(pattern=r"^[A-Za-z_][\w.]*\.[A-Za-z_]\w*$")
    version: str = Field(pattern=r"^v[0-9]+$")
    description: str = ""


class _RegistryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    registry_version: int = Field(ge=1)
    schemas: dict[str, _Entry]


@dataclass(frozen=True)
class SchemaArtifact:
    name: str
    uri: str
    local_path: Path
    model: type[BaseModel]
    version: str
    description: str

    def load(self) -> dict[str, Any]:
        return json.loads(self.local_path.read_text(encoding="utf-8"))


class SchemaRegistry:
    def __init__(self, artifacts: dict[str, SchemaArtifact], source: Path) -> None:
        self._artifacts = artifacts
        self.source = source

    def names(self) -> list[str]:
        return sorted(self._artifacts)

    def get(self, name_or_uri: str) -> SchemaArtifact:
        for art in self._artifacts.values():
            if name_or_uri in (art.name, art.uri):
                return art
        raise SchemaRegistryError(
            f"unknown schema {name_or_uri!r}; known: {', '.join(self.names())}",
            context={"name": name_or_uri},
        )

    def uri(self, name: str) -> str:
        return self.get(name).uri

    def __iter__(self):
        return iter(self._artifacts[n] for n in self.names())


def _import_model(dotted: str, name: str) -> type[BaseModel]:
    module_name, _, attr = dotted.rpartition(".")
    try:
        model = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise SchemaRegistryError(f"schemas.{name}.model: cannot import {dotted!r}: {exc}") from exc
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise SchemaRegistryError(f"schemas.{name}.model: {dotted!r} is not a pydantic model")
    return model


def ensure_schema_artifacts(
    schema_config_path: Path, *, check_fresh: bool = False
) -> SchemaRegistry:
    """Load and validate the registry YAML and every schema file it names.

    `check_fresh` also compares each file with its model's export (tests and `make schemas`
    use it; at run time a pydantic upgrade that reorders a schema must not stop a film).
    """
    path = Path(schema_config_path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        parsed = _RegistryFile.model_validate(raw)
    except OSError as exc:
        raise SchemaRegistryError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise SchemaRegistryError(f"{path}: invalid YAML: {exc}") from exc
    except ValidationError as exc:
        from .messages import pydantic_issues

        raise SchemaRegistryError(
            f"{path}: " + "; ".join(str(i) for i in pydantic_issues(exc))
        ) from exc

    artifacts: dict[str, SchemaArtifact] = {}
    for name, entry in parsed.schemas.items():
        where = f"{path}: schemas.{name}"
        if entry.uri != schema_uri(name, entry.version):
            raise SchemaRegistryError(
                f"{where}.uri must be {schema_uri(name, entry.version)!r}, got {entry.uri!r}"
            )
        local = (path.parent / entry.local_path).resolve()
        if not local.is_file():
            raise SchemaRegistryError(
                f"{where}.local_path: file not found: {local} (run `make schemas`)"
            )
        try:
            on_disk = json.loads(local.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise SchemaRegistryError(f"{where}.local_path: not valid JSON: {exc}") from exc
        if on_disk.get("$id") != entry.uri:
            raise SchemaRegistryError(
                f"{where}: {local.name} has $id {on_disk.get('$id')!r}, expected {entry.uri!r}"
            )
        model = _import_model(entry.model, name)
        if check_fresh and name in SCHEMA_MODELS and on_disk != model_json_schema(name):
            raise SchemaRegistryError(
                f"{where}: {local.name} is stale against {entry.model} (run `make schemas`)"
            )
        artifacts[name] = SchemaArtifact(
            name, entry.uri, local, model, entry.version, entry.description
        )
    return SchemaRegistry(artifacts, path)


def default_registry_path() -> Path:
    from ..config import get_settings

    return get_settings().configs_dir / CONFIG_NAME


def export_schema_artifacts(configs_dir: Path) -> list[Path]:
    """Write every model's JSON Schema and the registry YAML. Returns the files written."""
    out_dir = configs_dir / SCHEMA_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    entries: dict[str, dict[str, str]] = {}
    for name, model in SCHEMA_MODELS.items():
        target = out_dir / f"{name}.schema.json"
        target.write_text(dump_json(model_json_schema(name)), encoding="utf-8")
        written.append(target)
        entries[name] = {
            "uri": schema_uri(name),
            "local_path": f"{SCHEMA_DIR}/{target.name}",
            "model": f"sparkle_motion.schemas.{model.__name__}",
            "version": SCHEMA_VERSION,
            "description": DESCRIPTIONS[name],
        }
    header = (
        "# Schema registry: canonical URIs of every published schema and the local JSON Schema\n"
        "# exported from its pydantic model. Generated by `make schemas`; do not edit by hand.\n"
        "# Loaded by sparkle_motion.schemas.registry.ensure_schema_artifacts. See docs/SCHEMA_ARTIFACTS.md.\n"
    )
    body = yaml.safe_dump({"registry_version": 1, "schemas": entries}, sort_keys=False, width=100)
    registry = configs_dir / CONFIG_NAME
    registry.write_text(header + body, encoding="utf-8")
    written.append(registry)
    return written
