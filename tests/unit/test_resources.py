"""The package's data files: in a checkout they are the editable copies; from an archive
they are extracted once. (A real wheel install: tests/integration/test_wheel.py.)"""

from __future__ import annotations

import zipfile

import pytest

from sparkle_motion import resources
from sparkle_motion.config import load_settings
from sparkle_motion.errors import ConfigError
from sparkle_motion.storage import db
from tests.conftest import REPO


@pytest.fixture(autouse=True)
def _fresh_cache():
    resources._data_dir.cache_clear()
    yield
    resources._data_dir.cache_clear()


def test_in_a_checkout_the_data_is_the_checkout_copies():
    assert resources.configs_dir() == (REPO / "configs").resolve()
    assert resources.db_schema_dir() == (REPO / "db" / "schema").resolve()
    assert resources.graph_file() == (REPO / "workflows" / "sparkle_motion" / "root_agent.yaml")
    assert resources.graph_file().is_file()
    assert resources.db_schema_dir() == db.SCHEMA_ROOT
    assert load_settings(env={"SPARKLE_DOTENV": ""}).configs_dir == resources.configs_dir()


def test_from_an_archive_the_data_is_extracted(tmp_path, monkeypatch):
    archive = tmp_path / "pkg.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("sparkle_motion/_data/configs/render_profiles.yaml", "profiles: {}\n")
        zf.writestr("sparkle_motion/_data/configs/schemas/a.schema.json", "{}")
    monkeypatch.setattr(resources.resources, "files", lambda pkg: zipfile.Path(archive, f"{pkg}/"))
    configs = resources.configs_dir()
    assert (configs / "render_profiles.yaml").read_text() == "profiles: {}\n"
    assert (configs / "schemas" / "a.schema.json").read_text() == "{}"
    assert resources.configs_dir() == configs  # once per process
    with pytest.raises(ConfigError, match="package data missing"):
        resources.db_schema_dir()
