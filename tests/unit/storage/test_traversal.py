"""The traversal corpus against every public method of every store: each bad path raises
a typed StorageError and nothing is written outside the root."""

from __future__ import annotations

import os

import pytest

from sparkle_motion.errors import StorageError, UnsafePathError
from sparkle_motion.storage.adk_service import FilesystemArtifactService
from sparkle_motion.storage.fs_store import FilesystemArtifactStore
from sparkle_motion.storage.paths import check_adk_filename, check_segment
from tests.support.stores import BACKENDS, make_backend

SEGMENTS = [
    "..",
    ".",
    "../x",
    "a/../../b",
    "/etc/passwd",
    "a\x00b",
    "",
    ".hidden",
    "C:\\x",
    "a/b",
    "a\\b",
    "~",
    " ",
    "-x",
    "x" * 200,
    "é",
]
FILENAMES = [
    "..",
    "../x",
    "a/../../b",
    "/etc/passwd",
    "a\x00b",
    "",
    "C:/x",
    "a//b",
    "a/./b",
    "a\\b",
    "./a",
]


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    b = make_backend(request.param, tmp_path)
    yield b
    b.store.close()


@pytest.mark.parametrize("bad", SEGMENTS)
def test_check_segment_rejects(bad):
    with pytest.raises(UnsafePathError):
        check_segment(bad, "run_id")


@pytest.mark.parametrize("bad", FILENAMES)
def test_check_adk_filename_rejects(bad):
    with pytest.raises(UnsafePathError):
        check_adk_filename(bad)


@pytest.mark.parametrize("field", ["run_id", "stage", "name", "artifact_id"])
@pytest.mark.parametrize("bad", SEGMENTS)
def test_publish_rejects_bad_segments(backend, tmp_path, field, bad):
    args = {"run_id": "run1", "stage": "s", "name": "n.bin", "artifact_id": "a1", field: bad}
    before = set(tmp_path.parent.rglob("*"))
    with pytest.raises(StorageError):
        backend.store.publish(data=b"x", **args)
    assert {
        p for p in set(tmp_path.parent.rglob("*")) - before if not str(p).startswith(str(tmp_path))
    } == set()


@pytest.mark.parametrize("bad", ["..", "a/b", "/abs", "x\x00", ""])
def test_read_list_delete_reject(backend, bad):
    store = backend.store
    uris = [
        f"artifact+fs://{bad}/a1",
        f"artifact+fs://run1/{bad}",
        f"artifact://apps/sparkle-motion/users/local/sessions/{bad}/artifacts/s/a/n/versions/0",
        f"artifact://apps/sparkle-motion/users/local/sessions/run1/artifacts/{bad}/a/n/versions/0",
    ]
    for uri in uris:
        for method in (store.read_bytes, store.ref, store.local_path, store.delete):
            with pytest.raises(StorageError):
                method(uri)
    for call in (lambda: store.list(bad), lambda: store.list("run1", stage=bad)):
        with pytest.raises(StorageError):
            call()


def test_symlink_out_of_the_root_is_refused(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "root")
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, store.root / "run1")
    with pytest.raises(UnsafePathError, match="outside the artifact root"):
        store.publish(run_id="run1", stage="s", name="n.bin", data=b"x")
    assert list(outside.iterdir()) == []
    store.close()


def test_symlinked_payload_is_refused_on_read(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "root")
    ref = store.publish(run_id="run1", stage="s", name="n.bin", data=b"x")
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    version_dir = store.root / "run1" / "s"
    target = next(version_dir.rglob("n.bin"))
    target.unlink()
    os.symlink(secret, target)
    with pytest.raises(UnsafePathError):
        store.read_bytes(ref.uri)
    store.close()


@pytest.mark.parametrize("bad", FILENAMES)
async def test_adk_service_rejects_bad_filenames(tmp_path, bad):
    from google.genai import types

    store = FilesystemArtifactStore(tmp_path / "root")
    service = FilesystemArtifactService(store)
    common = {"app_name": "sparkle-motion", "user_id": "local", "session_id": "run1"}
    part = types.Part(text="x")
    calls = [
        service.save_artifact(filename=bad, artifact=part, **common),
        service.load_artifact(filename=bad, **common),
        service.list_versions(filename=bad, **common),
        service.list_artifact_versions(filename=bad, **common),
        service.get_artifact_version(filename=bad, **common),
        service.delete_artifact(filename=bad, **common),
    ]
    for coro in calls:
        with pytest.raises(UnsafePathError):
            await coro
    store.close()


@pytest.mark.parametrize("field", ["user_id", "session_id"])
@pytest.mark.parametrize("bad", ["..", "a/b", "/x", "", "a\x00"])
async def test_adk_service_rejects_bad_ids(tmp_path, field, bad):
    store = FilesystemArtifactStore(tmp_path / "root")
    service = FilesystemArtifactService(store)
    args = {"app_name": "sparkle-motion", "user_id": "local", "session_id": "run1", field: bad}
    with pytest.raises(UnsafePathError):
        await service.list_artifact_keys(**args)
    with pytest.raises(UnsafePathError):
        await service.load_artifact(filename="x.png", **args)
    store.close()


async def test_a_session_cannot_alias_the_user_scope(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "root")
    service = FilesystemArtifactService(store)
    with pytest.raises(UnsafePathError):
        await service.list_artifact_keys(
            app_name="sparkle-motion", user_id="alice", session_id="user~alice"
        )
    store.close()
