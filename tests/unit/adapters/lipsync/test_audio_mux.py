"""Preview lip-sync: the shot's lines muxed at their offsets, picture copied, marked not
lip-synced."""

from __future__ import annotations

from sparkle_motion.adapters.lipsync.audio_mux import AudioMux
from sparkle_motion.media.probe import probe
from tests.support.media import (
    context,
    decode_audio,
    job,
    rms,
    step,
    still_clip,
    tone,
    write,
)


def test_lines_land_at_their_offsets_on_a_copied_picture(tmp_path):
    ctx = context()
    video = step(ctx, "video.s5-harbour")
    clip = still_clip(
        step(ctx, "image.kf-004"),
        tmp_path / "clip.mp4",
        video.opts.num_frames,
        video.opts.fps,
        seed=1,
    )
    lines = [x for x in ctx.dialogue_schedule if x.shot_id == "s5-harbour"]
    assert len(lines) == 2 and lines[1].shot_offset_s > 1.5
    inputs = {"@video.s5-harbour": clip}
    for x in lines:
        inputs[f"@tts.{x.line_id}"] = tone(tmp_path / f"{x.line_id}.wav", 1.0)
    out = AudioMux().run(job(ctx, "lipsync.s5-harbour", inputs, tmp_path / "w"))[0]
    assert out.metadata["lipsynced"] is False
    muxed = write(out, tmp_path / "mux.mp4")
    info = probe(muxed)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert abs(info.duration_s - probe(clip).duration_s) < 0.1
    samples, rate = decode_audio(muxed)
    second = lines[1].shot_offset_s
    assert rms(samples, rate, 0.1, 0.9) > 0.1  # first line
    assert rms(samples, rate, 1.2, second - 0.1) < 0.01  # the gap between them
    assert rms(samples, rate, second + 0.1, second + 0.9) > 0.1  # second line


def test_lines_at_two_sample_rates_mux_in_bounded_time(tmp_path, monkeypatch):
    # a flite line (16 kHz) and a piper line (22.05 kHz): ffmpeg 9 never ended the mix
    # when it was padded with a bare `apad` (the step timed out after 120 s)
    import subprocess

    from sparkle_motion.adapters.lipsync import audio_mux
    from sparkle_motion.media.ffmpeg import ffmpeg_cmd

    ctx = context()
    lines = [x for x in ctx.dialogue_schedule if x.shot_id == "s5-harbour"]
    inputs = {
        f"@tts.{x.line_id}": tone(tmp_path / f"{x.line_id}.wav", seconds, rate=rate)
        for x, (seconds, rate) in zip(lines, [(4.26, 16000), (2.94, 22050)], strict=True)
    }
    duration = 8.5  # the shot and offsets of the film where it hung
    monkeypatch.setattr(audio_mux, "line_offsets", lambda job: [0.4, 4.38])
    args, graph = audio_mux.dialogue_filter(
        job(ctx, "lipsync.s5-harbour", inputs, tmp_path), 0, duration
    )
    out = tmp_path / "mix.m4a"
    cmd = ffmpeg_cmd(*args, "-filter_complex", graph, "-map", "[a]", "-c:a", "aac", str(out))
    subprocess.run(cmd, check=True, timeout=30, capture_output=True)
    assert abs(probe(out).duration_s - duration) < 0.1
