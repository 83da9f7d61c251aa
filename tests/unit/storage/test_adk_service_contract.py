"""ADK's BaseArtifactService contract, run against our FilesystemArtifactService and ADK's
own services (in-memory, file, GCS through a fake bucket): ours must behave like theirs."""

from __future__ import annotations

import pytest
from google.adk.artifacts import FileArtifactService, InMemoryArtifactService
from google.genai import types

from sparkle_motion.storage.adk_service import FilesystemArtifactService, map_filename
from sparkle_motion.storage.fs_store import FilesystemArtifactStore
from tests.support.fake_gcs import fake_gcs_service

APP, USER, SESSION = "sparkle-motion", "local", "run1"
KINDS = ["ours", "adk-memory", "adk-file", "adk-gcs"]


@pytest.fixture(params=KINDS)
def service(request, tmp_path):
    if request.param == "ours":
        store = FilesystemArtifactStore(tmp_path / "root")
        yield FilesystemArtifactService(store)
        store.close()
    elif request.param == "adk-memory":
        yield InMemoryArtifactService()
    elif request.param == "adk-file":
        yield FileArtifactService(root_dir=tmp_path / "adk")
    else:
        yield fake_gcs_service()


def png(data: bytes) -> types.Part:
    return types.Part(inline_data=types.Blob(data=data, mime_type="image/png"))


async def save(service, filename, part, session=SESSION, meta=None):
    return await service.save_artifact(
        app_name=APP,
        user_id=USER,
        filename=filename,
        artifact=part,
        session_id=session,
        custom_metadata=meta,
    )


async def load(service, filename, session=SESSION, version=None):
    return await service.load_artifact(
        app_name=APP, user_id=USER, filename=filename, session_id=session, version=version
    )


@pytest.mark.parametrize("filename", ["base_images/kf-000/kf.png", "notes.txt", "a/b/c/d.bin"])
async def test_save_load_versions(service, filename):
    assert await save(service, filename, png(b"v0")) == 0
    assert await save(service, filename, png(b"v1")) == 1
    assert (await load(service, filename)).inline_data.data == b"v1"
    assert (await load(service, filename, version=0)).inline_data.data == b"v0"
    assert (await load(service, filename)).inline_data.mime_type == "image/png"
    assert await load(service, filename, version=7) is None
    assert await service.list_versions(
        app_name=APP, user_id=USER, filename=filename, session_id=SESSION
    ) == [0, 1]


async def test_text_parts_round_trip(service):
    await save(service, "plan.txt", types.Part(text="héllo"))
    assert (await load(service, "plan.txt")).text == "héllo"


async def test_missing_is_none(service):
    assert await load(service, "nothing.png") is None
    assert (
        await service.list_versions(
            app_name=APP, user_id=USER, filename="nothing.png", session_id=SESSION
        )
        == []
    )
    assert (
        await service.get_artifact_version(
            app_name=APP, user_id=USER, filename="nothing.png", session_id=SESSION
        )
        is None
    )


async def test_keys_sessions_and_user_scope(service):
    await save(service, "s/a/one.png", png(b"1"))
    await save(service, "s/a/one.png", png(b"1b"))
    await save(service, "two.png", png(b"2"))
    await save(service, "three.png", png(b"3"), session="run2")
    await save(service, "user:profile.png", png(b"u"), session=None)
    keys = await service.list_artifact_keys(app_name=APP, user_id=USER, session_id=SESSION)
    assert keys == sorted(["s/a/one.png", "two.png", "user:profile.png"])
    assert (await load(service, "user:profile.png", session="run2")).inline_data.data == b"u"


async def test_delete_removes_every_version(service):
    await save(service, "x.png", png(b"1"))
    await save(service, "x.png", png(b"2"))
    await service.delete_artifact(app_name=APP, user_id=USER, filename="x.png", session_id=SESSION)
    assert await load(service, "x.png") is None
    assert await service.list_artifact_keys(app_name=APP, user_id=USER, session_id=SESSION) == []
    await service.delete_artifact(
        app_name=APP, user_id=USER, filename="x.png", session_id=SESSION
    )  # no error


async def test_version_metadata(service):
    await save(service, "m.png", png(b"1"), meta={"seed": "3"})
    await save(service, "m.png", png(b"22"), meta={"seed": "4"})
    versions = await service.list_artifact_versions(
        app_name=APP, user_id=USER, filename="m.png", session_id=SESSION
    )
    assert [v.version for v in versions] == [0, 1]
    assert [v.custom_metadata for v in versions] == [{"seed": "3"}, {"seed": "4"}]
    assert all(v.mime_type == "image/png" and v.canonical_uri for v in versions)
    latest = await service.get_artifact_version(
        app_name=APP, user_id=USER, filename="m.png", session_id=SESSION
    )
    assert latest.version == 1 and latest.custom_metadata == {"seed": "4"}


def test_filename_mapping():
    assert map_filename("video/clip-s1/clip.mp4") == ("video", "clip-s1", "clip.mp4")
    stage, artifact_id, name = map_filename("reports/final report.txt")
    assert stage == "adk" and artifact_id.startswith("f-") and name == "final_report.txt"
    assert map_filename("reports/final report.txt") == (stage, artifact_id, name)  # stable
    assert map_filename("x.txt")[1] != artifact_id


async def test_rewind_tombstone_loads_as_absent(service):
    from google.adk.artifacts import artifact_util

    await save(service, "t.png", png(b"1"))
    await save(service, "t.png", artifact_util._new_rewind_tombstone())
    assert await load(service, "t.png") is None
    assert (await load(service, "t.png", version=0)).inline_data.data == b"1"


async def test_filenames_sharing_a_middle_segment_do_not_collide(service):
    await save(service, "images/shot1/frame.png", png(b"img"))
    await save(
        service,
        "audio/shot1/line.wav",
        types.Part(inline_data=types.Blob(data=b"wav", mime_type="audio/wav")),
    )
    assert (await load(service, "images/shot1/frame.png")).inline_data.data == b"img"
    assert (await load(service, "audio/shot1/line.wav")).inline_data.data == b"wav"
    assert await save(service, "audio/shot1/line.wav", png(b"wav2")) == 1


async def test_two_users_in_one_session_keep_their_own_artifacts(service):
    for user, data in (("alice", b"a"), ("bob", b"b")):
        await service.save_artifact(
            app_name=APP, user_id=user, filename="img/a1/x.png", artifact=png(data), session_id="s1"
        )
    for user, data in (("alice", b"a"), ("bob", b"b")):
        part = await service.load_artifact(
            app_name=APP, user_id=user, filename="img/a1/x.png", session_id="s1"
        )
        assert part.inline_data.data == data
