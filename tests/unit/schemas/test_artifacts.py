from __future__ import annotations

import pytest
from pydantic import ValidationError

from sparkle_motion.schemas import ArtifactRef, VideoFinalManifest

SHA = "a" * 64


def manifest(**over):
    data = dict(
        artifact_uri="artifact+fs://run1/final",
        local_path="/content/runs/run1/final.mp4",
        storage_hint="filesystem",
        size_bytes=1234,
        duration_s=30.0,
        frame_rate=24.0,
        resolution_px="1280x720",
        checksum_sha256=SHA,
        run_id="run1",
        playback_ready=True,
    )
    data.update(over)
    return VideoFinalManifest.model_validate(data)


def test_manifest_has_every_field_of_the_seed_table():
    fields = {
        "artifact_type",
        "artifact_uri",
        "local_path",
        "download_url",
        "storage_hint",
        "mime_type",
        "size_bytes",
        "duration_s",
        "frame_rate",
        "resolution_px",
        "checksum_sha256",
        "run_id",
        "stage_id",
        "created_at",
        "playback_ready",
        "notes",
    }
    # additive: what rendered the film, per stage (backends, models); each line and each
    # lip-sync shot; the keyframes reused from earlier renders
    ours = {"render_profile", "backends", "models", "cost", "lines", "lipsync", "reused"}
    assert set(VideoFinalManifest.model_fields) == fields | ours
    m = manifest()
    assert (m.artifact_type, m.stage_id, m.mime_type) == ("video_final", "finalize", "video/mp4")


def test_rule_1_download_url_required_for_adk_storage():
    with pytest.raises(ValidationError, match="download_url is required"):
        manifest(storage_hint="adk")
    assert (
        manifest(storage_hint="adk", download_url="https://signed").download_url == "https://signed"
    )


@pytest.mark.parametrize("field", ["duration_s", "frame_rate", "size_bytes"])
@pytest.mark.parametrize("value", [0, -1])
def test_rule_3_positive_numbers(field, value):
    with pytest.raises(ValidationError, match=field):
        manifest(**{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("artifact_type", "video_draft"),
        ("storage_hint", "s3"),
        ("checksum_sha256", "A" * 64),
        ("checksum_sha256", "a" * 63),
        ("resolution_px", "1280by720"),
    ],
)
def test_literal_enum_and_format_checks(field, value):
    with pytest.raises(ValidationError):
        manifest(**{field: value})


def test_artifact_ref_round_trips_through_json():
    ref = ArtifactRef(
        uri="artifact+fs://r/a",
        artifact_type="keyframe",
        mime_type="image/png",
        checksum_sha256=SHA,
        size_bytes=10,
        metadata={"seed": 3, "tags": ["a"]},
    )
    assert ArtifactRef.model_validate_json(ref.model_dump_json()) == ref
