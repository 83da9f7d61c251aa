from __future__ import annotations

import pytest

from sparkle_motion import adk_helpers
from sparkle_motion.errors import ArtifactPublishError, MemoryWriteError, SchemaRegistryError
from tests.support.helpers_backend import temp_backend
from tests.support.stores import make_backend


@pytest.mark.parametrize("backend_name", ["fs", "adk-file"])
def test_publish_artifact_on_both_backends(tmp_path, backend_name):
    src = tmp_path / "kf-000.png"
    src.write_bytes(b"\x89PNG")
    store = make_backend(backend_name, tmp_path).store
    with temp_backend(tmp_path / "b", store=store) as backend:
        ref = adk_helpers.publish_artifact(
            local_path=src, artifact_type="keyframe", metadata={"seed": 1}, run_id="r1"
        )
        assert backend.store.read_bytes(ref.uri) == b"\x89PNG"
        assert (ref.stage, ref.artifact_type, ref.metadata) == ("keyframe", "keyframe", {"seed": 1})
        with pytest.raises(ArtifactPublishError, match="no such file"):
            adk_helpers.publish_artifact(
                local_path=tmp_path / "missing.png", artifact_type="keyframe"
            )


def test_publish_local_is_deterministic_and_logged(tmp_path):
    with temp_backend(tmp_path) as backend:
        a = adk_helpers.publish_local(
            payload="hello", suffix=".txt", run_id="r1", metadata={"k": 1}
        )
        b = adk_helpers.publish_local(payload="hello", suffix="txt", run_id="r1")
        assert a.uri == b.uri and a.metadata == {"k": 1, "fixture": True}
        assert a.local_path.startswith(str(tmp_path / "runs" / "r1"))
        assert [e.event_type for e in backend.memory.list("r1")] == ["artifact_local_fallback"] * 2


def test_write_memory_event_goes_to_the_log_and_errors_surface(tmp_path):
    with temp_backend(tmp_path) as backend:
        event_id = adk_helpers.write_memory_event("r1", "qa_manual_review", {"decision": "approve"})
        assert backend.memory.list("r1")[0].id == event_id
        with pytest.raises(MemoryWriteError):
            adk_helpers.write_memory_event("r1", "x", {"bad": object()})


def test_ensure_schema_artifacts(tmp_path):
    assert "movie_plan" in adk_helpers.ensure_schema_artifacts().names()
    with pytest.raises(SchemaRegistryError):
        adk_helpers.ensure_schema_artifacts(tmp_path / "missing.yaml")


def test_set_backend_restores_the_previous_one(tmp_path):
    before = adk_helpers._backend
    with temp_backend(tmp_path):
        assert adk_helpers._backend is not before
    assert adk_helpers._backend is before


async def test_adk_memory_service_searches_the_log(tmp_path):
    with temp_backend(tmp_path) as backend:
        adk_helpers.write_memory_event("r1", "qa_manual_review", {"note": "lovely lighthouse"})
        service = adk_helpers.adk_memory_service(backend.settings)
        found = await service.search_memory(
            app_name="sparkle-motion", user_id="local", query="lighthouse"
        )
        assert len(found.memories) == 1 and (tmp_path / "adk_memory.db").exists()
        await service.close()


def test_request_human_input_records_and_returns_the_interrupt(tmp_path):
    with temp_backend(tmp_path) as backend:
        request = adk_helpers.request_human_input(
            run_id="r1",
            reason="Look at shot 2",
            artifact_uri="artifact+fs://r1/kf",
            metadata={"gate": "keyframe", "shot": 2},
        )
        assert (
            request.interrupt_id == "review:keyframe:shot2" and request.message == "Look at shot 2"
        )
        [event] = backend.memory.list("r1", "review_requested")
        assert event.payload["artifact_uri"] == "artifact+fs://r1/kf" and event.payload["shot"] == 2
