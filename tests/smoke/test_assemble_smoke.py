"""assemble_ffmpeg at full size with the canonical encode (`-preset veryslow -crf 18`):
slow on a CPU, so it runs only with SMOKE_ASSEMBLE=1. Uses the ffmpeg in effect
(FFMPEG_PATH, else imageio-ffmpeg's) on short synthetic clips of the 6-shot example."""

from __future__ import annotations

from tests.smoke.conftest import smoke

pytestmark = smoke("assemble")


def test_canonical_encode_of_the_example_at_1280x720(tmp_path):
    from sparkle_motion.adapters.assemble.ffmpeg import AssembleOptions, assemble_clips
    from sparkle_motion.media.probe import probe
    from tests.support.media import context, small_plan, step, still_clip, tone

    ctx = context(small_plan(width=1280, height=720))
    assemble = step(ctx, "assemble.film")
    clips = [
        still_clip(
            step(ctx, f"image.kf-00{i}"),
            tmp_path / f"{i}.mp4",
            step(ctx, f"video.{shot.shot_id}").opts.num_frames,
            step(ctx, f"video.{shot.shot_id}").opts.fps,
            seed=i,
            camera=ctx.plan.shots[i].camera,
            width=1280,
            height=720,
        )
        for i, shot in enumerate(assemble.shots)
    ]
    audio = [tone(tmp_path / f"{d.line_id}.wav", 1.0, freq=330.0) for d in assemble.dialogue]
    out = tmp_path / "film.mp4"
    result = assemble_clips(
        assemble, clips, audio, out, AssembleOptions(encode_preset="canonical"), workdir=tmp_path
    )
    info = probe(out)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert (info.width, info.height) == (1280, 720) and abs(info.duration_s - 30) < 0.5
    assert "-preset veryslow -crf 18" in result.command.log()["command"]
