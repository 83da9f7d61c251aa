"""The backend factory follows ARTIFACTS_BACKEND and friends."""

from __future__ import annotations

import logging
import sys
from unittest import mock

from sparkle_motion.storage import FilesystemArtifactStore, open_artifact_store, open_database
from tests.conftest import make_settings
from tests.support.fake_gcs import FakeClient


def test_filesystem_default_scans_on_open(tmp_path, caplog):
    settings = make_settings(artifacts_fs_root=tmp_path / "root", db_path=tmp_path / "s.db")
    store = open_artifact_store(settings)
    assert (
        isinstance(store, FilesystemArtifactStore)
        and store.index_path == (tmp_path / "root" / "index.db").resolve()
    )
    stray = store.root / "r1" / "s" / "a1" / "v0-deadbeef" / "stray.bin"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x")
    store.close()
    with caplog.at_level(logging.WARNING):
        open_artifact_store(settings).close()
    assert "1 orphan file(s)" in caplog.text
    with open_database(settings) as db:
        assert db.path == tmp_path / "s.db"


def test_index_can_live_elsewhere(tmp_path):
    settings = make_settings(
        artifacts_fs_root=tmp_path / "root", artifacts_fs_index=tmp_path / "idx" / "i.db"
    )
    store = open_artifact_store(settings)
    assert store.index_path == tmp_path / "idx" / "i.db" and store.index_path.exists()
    store.close()


def test_adk_backend_file_and_gcs(tmp_path):
    from google.adk.artifacts import FileArtifactService, GcsArtifactService

    settings = make_settings(
        artifacts_backend="adk", artifacts_fs_root=tmp_path / "adk", runs_dir=tmp_path / "runs"
    )
    store = open_artifact_store(settings)
    assert isinstance(store.service, FileArtifactService)
    ref = store.publish(run_id="r1", stage="s", name="a.txt", data=b"hi")
    assert store.local_path(ref.uri).is_relative_to(tmp_path / "runs" / ".artifact_cache")
    with mock.patch("google.cloud.storage.Client", FakeClient):
        gcs = open_artifact_store(
            make_settings(artifacts_backend="adk", adk_artifacts_gcs_bucket="b")
        )
    assert isinstance(gcs.service, GcsArtifactService) and gcs.service.bucket_name == "b"
    assert (
        gcs.read_bytes(gcs.publish(run_id="r1", stage="s", name="a.txt", data=b"yo").uri) == b"yo"
    )


def test_importing_storage_does_not_import_adk():
    import subprocess

    code = "import sparkle_motion.storage, sys; print(any(m.startswith('google.adk') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
