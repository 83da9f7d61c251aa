"""A run's outputs by role (the seed's `AssetRefs`): keyframes by keyframe, one WAV per
dialogue line (`line_artifacts`), clips and lip-synced clips by shot, custom outputs by
step, the assembled film and its subtitles, the final manifest. Built from the run's step
records (succeeded or reused), so it is what the run has produced so far, never a temp
file; notebooks and dashboards read this."""

from __future__ import annotations

from ..schemas import ArtifactRef, AssetRefs, StepStatus
from .records import StepRecords

DONE = (StepStatus.SUCCEEDED, StepStatus.CACHED)


def asset_refs(records: StepRecords, run_id: str) -> AssetRefs:
    found = AssetRefs(run_id=run_id)
    for record in records.list(run_id):
        if record.status not in DONE or not record.artifacts:
            continue
        key = record.step_id.split(".", 1)[-1]
        first: ArtifactRef = record.artifacts[0]
        if record.step_type == "image":
            found.base_images[key] = first
        elif record.step_type == "tts":
            found.line_artifacts[key] = first
        elif record.step_type == "video":
            found.shot_videos[key] = first
        elif record.step_type == "lipsync":
            found.lipsync_videos[key] = first
        elif record.step_type == "custom":
            found.custom[record.step_id] = list(record.artifacts)
        elif record.step_type == "assemble":
            for ref in record.artifacts:
                if ref.mime_type == "video/mp4":
                    found.assembled = ref
                else:
                    found.subtitles = ref
        elif record.step_type == "finalize":
            found.final = first
    return found
