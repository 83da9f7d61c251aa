"""One contract, every backend: our filesystem shim and ADK's services (file, memory,
GCS through a fake bucket, and ADK's API over our shim) behave alike."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sparkle_motion.errors import (
    ArtifactIntegrityError,
    ArtifactNotFoundError,
    ArtifactPublishError,
    StorageError,
)
from tests.support.stores import BACKENDS, make_backend


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    b = make_backend(request.param, tmp_path)
    yield b
    b.store.close()


def test_every_backend_is_an_artifact_store(backend):
    from sparkle_motion.storage import ArtifactStore

    assert isinstance(backend.store, ArtifactStore)
    assert backend.store.backend in ("filesystem", "adk")


def test_publish_then_read(backend):
    store = backend.store
    ref = store.publish(
        run_id="run1",
        stage="base_images",
        name="kf-000.png",
        data=b"\x89PNG-bytes",
        artifact_type="keyframe",
        metadata={"seed": 7, "tags": ["a", "b"]},
    )
    assert ref.checksum_sha256 == hashlib.sha256(b"\x89PNG-bytes").hexdigest()
    assert (ref.size_bytes, ref.mime_type, ref.artifact_type) == (10, "image/png", "keyframe")
    assert (ref.run_id, ref.stage, ref.name, ref.version) == (
        "run1",
        "base_images",
        "kf-000.png",
        0,
    )
    assert ref.metadata == {"seed": 7, "tags": ["a", "b"]}
    assert store.read_bytes(ref.uri) == b"\x89PNG-bytes"
    assert store.ref(ref.uri) == ref


def test_versions_are_kept(backend):
    store = backend.store
    first = store.publish(
        run_id="run1", stage="video", name="clip.mp4", data=b"one", artifact_id="clip-s1"
    )
    second = store.publish(
        run_id="run1", stage="video", name="clip.mp4", data=b"two", artifact_id="clip-s1"
    )
    assert (first.version, second.version) == (0, 1)
    assert store.read_bytes(first.uri) == b"one"
    assert store.read_bytes(second.uri) == b"two"
    assert [r.version for r in store.list("run1")] == [1]
    assert [r.version for r in store.list("run1", all_versions=True)] == [0, 1]


def test_list_by_run_and_stage(backend):
    store = backend.store
    a = store.publish(run_id="run1", stage="base_images", name="a.png", data=b"a")
    b = store.publish(run_id="run1", stage="dialogue_audio", name="b.wav", data=b"b")
    store.publish(run_id="run2", stage="base_images", name="c.png", data=b"c")
    assert {r.uri for r in store.list("run1")} == {a.uri, b.uri}
    assert [r.uri for r in store.list("run1", stage="dialogue_audio")] == [b.uri]
    assert store.list("nobody") == []


def test_publish_from_a_file(backend, tmp_path):
    src = tmp_path / "big.bin"
    src.write_bytes(bytes(range(256)) * 9000)
    ref = backend.store.publish(run_id="run1", stage="video", name="big.bin", data=src)
    assert ref.size_bytes == 256 * 9000
    assert backend.store.read_bytes(ref.uri) == src.read_bytes()


def test_local_path_is_verified(backend):
    ref = backend.store.publish(run_id="run1", stage="video", name="c.mp4", data=b"movie")
    path = backend.store.local_path(ref.uri)
    assert path.read_bytes() == b"movie" and path.name == "c.mp4"


def test_missing_artifact(backend):
    ref = backend.store.publish(run_id="run1", stage="video", name="c.mp4", data=b"movie")
    backend.store.delete(ref.uri)
    with pytest.raises(ArtifactNotFoundError):
        backend.store.read_bytes(ref.uri)
    with pytest.raises(ArtifactNotFoundError):
        backend.store.delete(ref.uri)
    assert backend.store.list("run1") == []


def test_corruption_is_detected_on_read(backend):
    ref = backend.store.publish(run_id="run1", stage="base_images", name="k.png", data=b"pixels")
    backend.corrupt(ref.uri)
    with pytest.raises(ArtifactIntegrityError):
        backend.store.read_bytes(ref.uri)


def test_bad_metadata_and_reserved_name(backend):
    with pytest.raises(ArtifactPublishError):
        backend.store.publish(
            run_id="r", stage="s", name="a.bin", data=b"x", metadata={"x": object()}
        )
    with pytest.raises(ArtifactPublishError):
        backend.store.publish(run_id="r", stage="s", name="manifest.json", data=b"{}")
    assert backend.store.list("r") == []


def test_foreign_uri(backend):
    with pytest.raises(StorageError):
        backend.store.read_bytes("https://example.com/x.png")


@pytest.mark.parametrize("name", ["fs", "adk-memory"])
def test_payload_and_metadata_round_trip(name, tmp_path_factory):
    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        data=st.binary(max_size=4096),
        meta=st.dictionaries(
            st.text(max_size=10),
            st.recursive(
                st.none()
                | st.booleans()
                | st.integers(-(2**53), 2**53)
                | st.text(max_size=20)
                | st.floats(allow_nan=False, allow_infinity=False),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3)
                ),
                max_leaves=8,
            ),
            max_size=4,
        ),
        mime=st.sampled_from(["image/png", "audio/wav", "video/mp4", "application/octet-stream"]),
    )
    def roundtrip(data, meta, mime):
        backend = make_backend(name, tmp_path_factory.mktemp("h"))
        try:
            ref = backend.store.publish(
                run_id="run1", stage="s", name="p.bin", data=data, mime_type=mime, metadata=meta
            )
            assert backend.store.read_bytes(ref.uri) == data
            again = backend.store.ref(ref.uri)
            assert again.metadata == meta and again.mime_type == mime and again == ref
        finally:
            backend.store.close()

    roundtrip()


def test_empty_payload(backend):
    ref = backend.store.publish(run_id="run1", stage="s", name="empty.bin", data=b"")
    assert ref.size_bytes == 0 and backend.store.read_bytes(ref.uri) == b""
