"""The files the package ships: default configs, the SQL migrations, the production graph,
each FunctionTool's metadata.

In a checkout they live at `configs/`, `db/schema/`, `workflows/sparkle_motion/` and
`function_tools/`, the copies people edit; `src/sparkle_motion/_data/` holds symlinks to them, which an editable
install reads through and a wheel build copies in as package data (pyproject.toml,
`[tool.setuptools.package-data]`). Read through `importlib.resources`, so the same calls
work in a checkout, an editable install and a wheel.

Layer 2 (beside config): imports only errors and the standard library.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import ConfigError

GRAPH_FILE_NAME = "root_agent.yaml"


def _copy_out(node: Traversable, dest: Path) -> None:
    if node.is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        for child in node.iterdir():
            _copy_out(child, dest / child.name)
    else:
        dest.write_bytes(node.read_bytes())


@cache
def _data_dir(name: str) -> Path:
    """`sparkle_motion/_data/<name>` as a real folder: the installed one, or, when the
    package is imported from an archive (a zip), a copy extracted once per process."""
    node = resources.files("sparkle_motion").joinpath("_data", name)
    if isinstance(node, Path):
        if not node.is_dir():
            raise ConfigError(f"{node}: package data missing (a broken install?)")
        return node.resolve()  # in a checkout: the real configs/, db/schema/, workflows/...
    if not node.is_dir():
        raise ConfigError(f"sparkle_motion/_data/{name}: package data missing")
    tmp = Path(tempfile.mkdtemp(prefix="sparkle-motion-data-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    _copy_out(node, tmp / name)
    return tmp / name


def configs_dir() -> Path:
    """The default configs: render_profiles.yaml, schema_artifacts.yaml, schemas/."""
    return _data_dir("configs")


def db_schema_dir() -> Path:
    """The SQL migrations, one folder per schema set: `<set>/NNNN_name.sql`."""
    return _data_dir("db_schema")


def graph_dir() -> Path:
    """The folder of the production graph (what `adk run` is pointed at in a checkout)."""
    return _data_dir("workflow")


def graph_file() -> Path:
    """The production graph, root_agent.yaml (an ADK Workflow)."""
    return graph_dir() / GRAPH_FILE_NAME


def function_tools_dir() -> Path:
    """The FunctionTools' metadata: `<tool_id>/tool.yaml` (in a checkout also the thin
    `entrypoint.py` beside it; a wheel ships only the tool.yaml files)."""
    return _data_dir("function_tools")
