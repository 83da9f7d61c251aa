"""finalize: the film's `video_final` manifest (the seed's "Final video manifest contract").

The checksum is computed from the film's bytes and must equal the one the store recorded
when assemble published it (rule 2); duration, frame rate and size are read from the file
with PyAV (rule 3); `download_url` is set when the storage needs one (rule 1: ADK).
`playback_ready` says the file is an H.264 + AAC MP4 a browser or player can start.
Published as a JSON artifact of type `video_final`: that row is the manifest.
"""

from __future__ import annotations

from ...errors import ArtifactIntegrityError, PermanentStageError
from ...media.probe import probe
from ...schemas import FinalizeStep, RenderProfile, StageModel, Step, VideoFinalManifest
from ...schemas.artifacts import FilmCost, ModelSpend
from ...schemas.common import utc_now
from ...stages import STAGE_OF_STEP_TYPE, STAGE_TABLE
from ...storage.fs_store import sha256_file
from ..base import Estimate, Output, Provider, StepJob


def build_manifest(job: StepJob) -> VideoFinalManifest:
    step = job.step
    assert isinstance(step, FinalizeStep)
    refs = job.upstream.get(step.film.removeprefix("@")) or []
    if not refs:
        raise PermanentStageError(f"{step.id}: no film to finalize", step_id=step.id)
    film, path = refs[0], job.inputs[step.film]
    checksum, size = sha256_file(path)
    if checksum != film.checksum_sha256 or size != film.size_bytes:
        raise ArtifactIntegrityError(
            f"{step.id}: {film.uri} has sha256 {checksum} ({size} bytes) but was published as "
            f"{film.checksum_sha256} ({film.size_bytes} bytes)",
            context={"uri": film.uri, "path": str(path)},
        )
    info = probe(path)
    adk = film.uri.startswith("artifact://")
    ready = (
        info.video_codec == "h264"
        and info.audio_codec == "aac"
        and info.duration_s > 0
        and (info.width or 0) > 0
    )
    return VideoFinalManifest(
        artifact_uri=film.uri,
        local_path=str(path),
        download_url=path.resolve().as_uri() if adk else None,
        storage_hint="adk" if adk else "filesystem",
        mime_type=film.mime_type,
        size_bytes=size,
        duration_s=info.duration_s,
        frame_rate=info.frame_rate or job.context.render_profile.fps,
        resolution_px=f"{info.width}x{info.height}",
        checksum_sha256=checksum,
        run_id=job.context.run_id,
        playback_ready=ready,
        created_at=utc_now(),
        notes=None if ready else f"codecs {info.video_codec}/{info.audio_codec}",
        render_profile=job.context.render_profile.name,
        backends=backends_of(job.context.render_profile),
        models=models_of(job),
        cost=cost_of(job),
        lines=film.metadata.get("lines") or [],  # what assemble read from its lines
        lipsync=film.metadata.get("lipsync") or [],
        reused=job.run_reused,
    )


def backends_of(profile: RenderProfile) -> dict[str, str]:
    """stage -> the backend that renders it under `profile` (overrides applied)."""
    found = {}
    for stage in STAGE_TABLE:
        name = profile.adapters.get(stage.profile_key) if stage.profile_key else None
        if name or stage.fixed_adapter:
            found[stage.name] = name or stage.fixed_adapter or ""
    return found


def models_of(job: StepJob) -> dict[str, list[StageModel]]:
    """stage -> each backend and model its steps' outputs say made them, with how many
    steps each made (the engine stamps `backend` and `model_id` on every output)."""
    counts: dict[str, dict[tuple[str, str | None], set[str]]] = {}
    for step_id, refs in job.run_outputs.items():
        for ref in refs:
            backend = ref.metadata.get("backend")
            if not isinstance(backend, str) or not backend or ref.stage is None:
                continue  # stored before outputs were stamped
            model = ref.metadata.get("model_id")
            pair = (backend, model if isinstance(model, str) else None)
            counts.setdefault(ref.stage, {}).setdefault(pair, set()).add(step_id)
    return {
        stage: [
            StageModel(backend=b, model_id=m, steps=len(steps))
            for (b, m), steps in sorted(pairs.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
        ]
        for stage, pairs in counts.items()
    }


def cost_of(job: StepJob) -> FilmCost:
    """Each recorded step's cost (engine: `metrics.cost_usd`), by stage and by the backend
    and model its outputs name."""
    by_stage: dict[str, float] = {}
    by_model: dict[tuple[str, str, str | None], float] = {}
    for step_id, usd in job.run_costs.items():
        refs = job.run_outputs.get(step_id) or []
        first = refs[0] if refs else None
        kind = step_id.split(".", 1)[0]  # a step id starts with its type (`image.kf-000`)
        stage = (first.stage if first is not None else None) or STAGE_OF_STEP_TYPE.get(kind, kind)
        by_stage[stage] = round(by_stage.get(stage, 0.0) + usd, 6)
        if first is not None and isinstance(first.metadata.get("backend"), str):
            model = first.metadata.get("model_id")
            pair = (
                stage,
                str(first.metadata["backend"]),
                model if isinstance(model, str) else None,
            )
            by_model[pair] = round(by_model.get(pair, 0.0) + usd, 6)
    return FilmCost(
        total_usd=round(sum(by_stage.values()), 6),
        by_stage=by_stage,
        by_model=[
            ModelSpend(stage=s, backend=b, model_id=m, usd=usd)
            for (s, b, m), usd in sorted(by_model.items(), key=lambda kv: (kv[0][0], kv[0][1]))
        ],
    )


class VideoFinal(Provider):
    name = "video_final"
    capabilities: frozenset[str] = frozenset()  # no media: it describes or edits outputs
    version = "3"  # 2: the manifest names each stage's models; 3: what the film cost
    model_id = None

    def run(self, job: StepJob) -> list[Output]:
        manifest = build_manifest(job)
        return [
            Output(
                name="video_final.json",
                data=manifest.model_dump_json(indent=2).encode(),
                mime_type="application/json",
                artifact_type="video_final",
                metadata={
                    "film_uri": manifest.artifact_uri,
                    "playback_ready": manifest.playback_ready,
                },
            )
        ]

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        return Estimate(time_s=0.2, peak_memory_mb=50.0)
