"""assemble_ffmpeg: subtitles, the filter graph's transitions and ducking, a real film from
small clips, the picture's craft measured in frames of tiny films made of solid-colour
clips (a cut is a cut, a crossfade is short, the film fades in and out), and failures that
name the step and the command."""

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
from sparkle_motion.media.ffmpeg import ffmpeg_cmd
from sparkle_motion.media.probe import probe
from sparkle_motion.schemas import AssembleMusic, AssembleOpts, AssembleShot, AssembleStep
from sparkle_motion.subprocesses import run_command
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


def test_srt_has_one_cue_per_line_held_at_least_1_2_s_and_named():
    ctx = context()
    assemble = step(ctx, "assemble.film")
    srt = build_srt(assemble, [1.0] * len(assemble.dialogue))
    cues = [c for c in srt.strip().split("\n\n") if c]
    assert len(cues) == len(assemble.dialogue) == 7
    # a 1.0 s line is shown 1.2 s; two speakers (Ada, Tobin): each line names its own
    assert cues[0].splitlines()[1] == "00:00:02,600 --> 00:00:03,800"  # clear of the title
    assert cues[-1].splitlines()[2] == "Ada: " + assemble.dialogue[-1].text
    assert {d.speaker for d in assemble.dialogue} == {"Ada", "Tobin"}


def test_graph_uses_the_planned_transitions():
    ctx = context()
    assemble = step(ctx, "assemble.film")
    graph, frames = build_filter_graph(assemble, burn_subtitles=True, fonts_dir=None)
    assert assemble.shots[0].transition_in == "fade"  # the plan's opening fade: from black
    assert "fade=t=in:st=0:d=0.5000" in graph and "fade=t=out:st=29.0000:d=1.0000" in graph
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
    assert result.cues == len(assemble.dialogue)  # lines far enough apart: a cue each
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


# The picture's craft, measured: tiny films (128x72, 24 fps) of solid-colour clips, no sound.
PW, PH, PFPS = 128, 72, 24.0
RED, BLUE = (200, 30, 30), (30, 30, 200)


def _solid(path: Path, rgb: tuple[int, int, int], seconds: float) -> Path:
    colour = "0x" + "".join(f"{c:02x}" for c in rgb)
    run_command(
        ffmpeg_cmd(
            "-f", "lavfi", "-i", f"color=c={colour}:s={PW}x{PH}:r={PFPS:g}:d={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv444p",
            str(path),
        )
    )  # fmt: skip
    return path


def _film(folder: Path, transitions: list[str], **opts):
    """Frames (RGB, int) of a film of 2 s shots alternating red and blue, one per transition
    (the first shot's included), without cards or subtitles unless `opts` says."""
    import av

    folder.mkdir(parents=True, exist_ok=True)
    shots, clips = [], []
    for i, kind in enumerate(transitions):
        shots.append(
            AssembleShot(shot_id=f"s{i}", clip=f"@video.s{i}", duration_s=2.0, transition_in=kind)
        )
        clips.append(_solid(folder / f"s{i}.mp4", (RED, BLUE)[i % 2], 2.0))
    settings = {"fade_out_s": 0.0, "title_cards": False, **opts}
    film = AssembleStep(
        id="assemble.film",
        shots=shots,
        width=PW,
        height=PH,
        fps=PFPS,
        opts=AssembleOpts(**settings),
        film_title="Red and Blue",
    )
    out = folder / "film.mp4"
    assemble_clips(film, clips, [], out, AssembleOptions(encode_preset="fast"), workdir=folder)
    with av.open(str(out)) as c:
        frames = [f.to_ndarray(format="rgb24").astype(int) for f in c.decode(video=0)]
    assert len(frames) == round(2.0 * PFPS * len(transitions))  # the plan's length, always
    return frames


def _near(frame, rgb, tol=12.0) -> bool:
    import numpy as np

    return float(np.abs(frame - np.array(rgb)).mean()) < tol


def test_a_cut_changes_the_whole_frame_at_once(tmp_path):
    frames = _film(tmp_path, ["cut", "cut"])
    edge = round(2.0 * PFPS)  # shot 2's first frame
    assert _near(frames[edge - 1], RED) and _near(frames[edge], BLUE)
    assert abs(frames[edge] - frames[edge - 1]).mean() > 80  # out of 255
    # and nothing else changes: one step, not a ramp
    changes = [abs(frames[k + 1] - frames[k]).mean() for k in range(len(frames) - 1)]
    assert sum(c > 2 for c in changes) == 1


@pytest.mark.parametrize("kind", ["crossfade", "fade"])
def test_a_transition_is_short_and_only_where_the_plan_says(tmp_path, kind):
    frames = _film(tmp_path, ["cut", kind, "cut"])
    between = [k for k, f in enumerate(frames) if not (_near(f, RED) or _near(f, BLUE))]
    edge = round(2.0 * PFPS)
    assert between, "no transition drawn"
    # about transition_s (0.5 s) long, starting at the second shot's place on the timeline
    assert 0.3 * PFPS <= len(between) <= 0.6 * PFPS, len(between)
    assert edge <= min(between) and max(between) < edge + 0.6 * PFPS
    assert _near(frames[4 * round(PFPS) - 1], BLUE) and _near(frames[4 * round(PFPS)], RED)
    middle = frames[between[len(between) // 2]]
    if kind == "fade":  # through black
        assert middle.mean() < 60
    else:  # a mix of the two
        assert middle[..., 0].mean() > 60 and middle[..., 2].mean() > 60


@pytest.mark.parametrize(
    ("first", "opts"), [("fade", {}), ("cut", {"fade_in_s": 0.5})], ids=["first-shot-fade", "opts"]
)
def test_the_film_fades_in_from_black_and_out_to_black(tmp_path, first, opts):
    frames = _film(tmp_path, [first, "cut"], fade_out_s=0.5, **opts)
    assert frames[0].max() < 24  # black
    assert 20 < frames[round(0.25 * PFPS)].mean() < _mean(RED) - 10  # on its way
    assert _near(frames[round(0.6 * PFPS)], RED)
    assert frames[-1].max() < 40 and _near(frames[-round(0.6 * PFPS)], BLUE)


def test_a_first_shot_that_cuts_in_starts_on_its_picture(tmp_path):
    frames = _film(tmp_path, ["cut", "cut"])
    assert _near(frames[0], RED) and _near(frames[-1], BLUE)  # no fades asked for


def _mean(rgb) -> float:
    return sum(rgb) / 3
