"""assemble_ffmpeg: subtitles, the filter graph's transitions and ducking, a real film from
small clips, and failures that name the step and the command."""

from __future__ import annotations

from pathlib import Path

import pytest

from sparkle_motion.adapters.assemble.ffmpeg import (
    AssembleOptions,
    assemble_clips,
    build_filter_graph,
)
from sparkle_motion.adapters.assemble.subtitles import build_srt
from sparkle_motion.errors import CommandError
from sparkle_motion.media.probe import probe
from sparkle_motion.schemas import AssembleMusic
from tests.support.media import (
    HEIGHT,
    WIDTH,
    context,
    decode_audio,
    rms,
    small_plan,
    step,
    still_clip,
    tone,
)


@pytest.fixture(scope="module")
def short(tmp_path_factory):
    """The 2-shot example at 320x176: its assemble step, real clips and line WAVs."""
    folder = tmp_path_factory.mktemp("short")
    ctx = context(small_plan("short.json"))
    assemble = step(ctx, "assemble.film")
    clips = []
    kf = next(s for s in ctx.plan.steps if s.type == "image")
    for shot in assemble.shots:
        video = step(ctx, f"video.{shot.shot_id}")
        clip = folder / f"{shot.shot_id}.mp4"
        clips.append(still_clip(kf, clip, video.opts.num_frames, video.opts.fps, seed=len(clips)))
    audio = [tone(folder / f"{d.line_id}.wav", 1.0) for d in assemble.dialogue]
    return ctx, assemble, clips, audio, folder


def test_srt_has_one_cue_per_line_ending_with_its_audio():
    ctx = context()
    assemble = step(ctx, "assemble.film")
    srt = build_srt(assemble, [1.0] * len(assemble.dialogue))
    cues = [c for c in srt.strip().split("\n\n") if c]
    assert len(cues) == len(assemble.dialogue) == 7
    assert cues[0].splitlines()[1] == "00:00:00,000 --> 00:00:01,000"
    assert cues[-1].splitlines()[2] == assemble.dialogue[-1].text


def test_graph_uses_the_planned_transitions():
    ctx = context()
    assemble = step(ctx, "assemble.film")
    graph, frames = build_filter_graph(assemble, burn_subtitles=True, fonts_dir=None)
    kinds = {s.transition_in for s in assemble.shots[1:]}
    assert "crossfade" in kinds and "fade" in kinds
    assert "xfade=transition=fade:" in graph and "xfade=transition=fadeblack:" in graph
    transitions = sum(s.transition_in != "cut" for s in assemble.shots[1:])
    # every shot once plus every transition rendered on its own, concatenated once
    assert f"concat=n={len(assemble.shots) + transitions}:" in graph
    assert graph.count("xfade=") == transitions and "ass=filename=film.ass" in graph
    assert frames == round(assemble.fps * sum(s.duration_s for s in assemble.shots))


def test_music_is_ducked_under_speech_in_the_graph():
    ctx = context()
    assemble = step(ctx, "assemble.film").model_copy(
        update={"music": AssembleMusic(source="m.wav")}
    )
    graph, _ = build_filter_graph(assemble, burn_subtitles=False, fonts_dir=None)
    assert "sidechaincompress" in graph and "volume=-18dB" in graph


def test_a_real_film_with_music_subtitles_and_lines_in_place(short, tmp_path):
    _ctx, assemble, clips, audio, folder = short
    music = tone(folder / "music.wav", 2.0, freq=220.0, amp=0.3)
    with_music = assemble.model_copy(update={"music": AssembleMusic(source="music.wav")})
    out = tmp_path / "film.mp4"
    result = assemble_clips(
        with_music,
        clips,
        audio,
        out,
        AssembleOptions(encode_preset="fast"),
        music=music,
        workdir=tmp_path,
    )
    info = probe(out)
    total = sum(s.duration_s for s in assemble.shots)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert abs(info.duration_s - total) < 0.5 and (info.width, info.height) == (WIDTH, HEIGHT)
    assert result.subtitles is not None and result.subtitles.read_text().count(" --> ") == len(
        assemble.dialogue
    )
    samples, rate = decode_audio(out)
    line = assemble.dialogue[0]
    loud = rms(samples, rate, line.start_s + 0.2, line.start_s + 0.8)
    music_only = rms(samples, rate, line.start_s + 2.0, total - 1.0)
    assert loud > 0.1 and 0.001 < music_only < loud  # music plays, quieter than speech


def test_a_failing_ffmpeg_names_the_step_and_command_and_is_quarantined(short, tmp_path):
    _ctx, assemble, clips, audio, folder = short
    broken = folder / "broken.mp4"
    broken.write_bytes(b"not a video")
    quarantine = tmp_path / "q"
    work = tmp_path / "w"
    work.mkdir()
    logs = tmp_path / "logs"
    opts = AssembleOptions(debug=True, quarantine_dir=quarantine, log_dir=logs)
    with pytest.raises(CommandError) as info:
        assemble_clips(assemble, [broken, *clips[1:]], audio, work / "film.mp4", opts, workdir=work)
    message = str(info.value)
    assert "ffmpeg" in message and str(broken) in message  # stderr's tail names the input
    assert info.value.step_id == "assemble.film" and message.startswith("assemble.film: ffmpeg")
    assert "-filter_complex" in info.value.context["command"]
    # the message is short: the filter graph is in the log it names, not in the message
    (log,) = logs.iterdir()
    graph = info.value.context["command"][
        info.value.context["command"].index("-filter_complex") + 1
    ]
    assert graph not in message and graph in log.read_text() and str(log) in message
    assert len(message.split("\n", 1)[0]) <= 300 + len(str(log))
    kept = list(quarantine.iterdir())
    assert (
        len(kept) == 1
        and (kept[0] / "ffmpeg_command.txt").is_file()
        and (kept[0] / "film.srt").is_file()
    )


def test_wrong_counts_are_refused(short, tmp_path):
    _ctx, assemble, clips, audio, _ = short
    with pytest.raises(ValueError, match="clips"):
        assemble_clips(assemble, clips[:1], audio, tmp_path / "f.mp4", AssembleOptions())


def test_the_adapter_keeps_a_failing_command_in_a_log_under_the_runs_dir(short, tmp_path):
    from sparkle_motion.adapters.assemble.ffmpeg import AssembleFfmpeg
    from sparkle_motion.config import get_settings, reset_settings_cache
    from tests.support.media import job

    ctx, assemble, clips, audio, folder = short
    broken = folder / "broken-adapter.mp4"
    broken.write_bytes(b"not a video")
    inputs = {s.clip: c for s, c in zip(assemble.shots, [broken, *clips[1:]], strict=True)}
    inputs |= {d.audio: a for d, a in zip(assemble.dialogue, audio, strict=True)}
    reset_settings_cache()
    try:
        with pytest.raises(CommandError) as info:
            AssembleFfmpeg().run(job(ctx, "assemble.film", inputs, tmp_path / "work"))
        logs = Path(get_settings().runs_dir) / "logs" / ctx.run_id
    finally:
        reset_settings_cache()
    (log,) = logs.iterdir()
    assert str(log) in str(info.value) and info.value.context["log"] == str(log)
    assert "-filter_complex" in log.read_text()
