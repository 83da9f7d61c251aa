"""The film's sound, as filter-graph pieces ending in [aout]: silence of the film's length,
every dialogue line at its place on the timeline, a music bed under everything and the
shots' ambience.

The bed is the plan's music file (looped, at its volume) or, when the plan names none, a
score synthesized from its music mood (media/score.py, written by `sound_inputs` into the
work folder); either is ducked under speech with a sidechain compressor. Ambience
(media/ambience.py) is one WAV for the film, quiet, each shot's kind crossfaded at the
joins, not ducked.

Inputs, from `first_input`: the line WAVs in `dialogue` order, the music file (when the
step names one), then what `sound_inputs` adds: the score (when the step has one and no
music), then the ambience (when a shot has one).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ...schemas import AssembleStep

SAMPLE_RATE = 48000
SCORE_FILE = "score.wav"
AMBIENCE_FILE = "ambience.wav"


def _scored(step: AssembleStep) -> bool:
    return step.score is not None and step.music is None  # a music file wins


def _ambience_spans(step: AssembleStep) -> list[tuple[float, float, str | None]]:
    spans: list[tuple[float, float, str | None]] = []
    at = 0.0
    for shot in step.shots:
        spans.append((at, at + shot.duration_s, shot.ambience))
        at += shot.duration_s
    return spans


def _ambience_seed(step: AssembleStep) -> int:
    if step.score is not None:
        return step.score.seed
    text = ",".join(f"{s.shot_id}:{s.ambience}" for s in step.shots)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def sound_inputs(step: AssembleStep, workdir: Path, total: float) -> list[str]:
    """ffmpeg input arguments for sound this module makes itself (after the music input),
    written into `workdir`: the score, then the ambience; `sound_graph` refers to them by
    index in that order."""
    args: list[str] = []
    if _scored(step):
        from ...media.score import write_score

        assert step.score is not None
        path = write_score(
            workdir / SCORE_FILE, step.score.mood, step.score.prompt, step.score.seed, total
        )
        args += ["-i", str(path.resolve())]
    if any(shot.ambience for shot in step.shots):
        from ...media.ambience import render_ambience
        from ...media.score import write_wav

        samples = render_ambience(_ambience_spans(step), _ambience_seed(step), total)
        if samples is not None:
            path = write_wav(workdir / AMBIENCE_FILE, samples)
            args += ["-i", str(path.resolve())]
    return args


def sound_graph(step: AssembleStep, total: float, *, first_input: int, duck_db: float) -> list[str]:
    """Filter-graph pieces for a film `total` seconds long, the last one labelled [aout]."""
    parts: list[str] = []
    n = first_input
    fmt = f"aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
    parts.append(f"anullsrc=r={SAMPLE_RATE}:cl=stereo,atrim=0:{total:.4f}[base]")
    voices = []
    for k, line in enumerate(step.dialogue):
        ms = round(line.start_s * 1000)
        parts.append(f"[{n + k}:a]{fmt},adelay={ms}:all=1[d{k}]")
        voices.append(f"[d{k}]")
    mix_inputs = ["[base]"]
    if voices:
        parts.append(
            f"{''.join(voices)}amix=inputs={len(voices)}:normalize=0:duration=longest[speech]"
            if len(voices) > 1
            else f"{voices[0]}anull[speech]"
        )
    after = n + len(step.dialogue)  # the next input's index
    bed: tuple[int, float, bool] | None = None  # (input, volume_db, duck)
    if step.music is not None:
        bed = (after, step.music.volume_db, step.music.duck_under_dialogue)
        after += 1
    elif step.score is not None:
        bed = (after, step.score.volume_db, step.score.duck_under_dialogue)
        after += 1
    if bed is not None:
        m, volume_db, duck = bed
        parts.append(f"[{m}:a]{fmt},atrim=0:{total:.4f},volume={volume_db:g}dB[music]")
        if voices and duck:
            ratio = max(1.0, min(20.0, 10 ** (-duck_db / 20)))
            # the sidechain is speech over silence of the film's length (an apad after amix
            # may never end, or end early: lipsync/audio_mux.py)
            parts.append(
                f"[speech]asplit=2[speech][sc0];anullsrc=r={SAMPLE_RATE}:cl=stereo,"
                f"atrim=0:{total:.4f}[scbase];[scbase][sc0]amix=inputs=2:normalize=0:"
                "duration=first[sc]"
            )
            parts.append(
                f"[music][sc]sidechaincompress=threshold=0.02:ratio={ratio:.2f}"
                ":attack=20:release=400[ducked]"
            )
            mix_inputs.append("[ducked]")
        else:
            mix_inputs.append("[music]")
    if any(shot.ambience for shot in step.shots):
        parts.append(f"[{after}:a]{fmt},atrim=0:{total:.4f}[ambience]")
        mix_inputs.append("[ambience]")
        after += 1
    if voices:
        mix_inputs.append("[speech]")
    parts.append(
        f"{''.join(mix_inputs)}amix=inputs={len(mix_inputs)}:normalize=0:duration=first,"
        f"atrim=0:{total:.4f}[aout]"
        if len(mix_inputs) > 1
        else "[base]anull[aout]"
    )
    return parts
