"""The film's sound, as filter-graph pieces ending in [aout]: silence of the film's length,
every dialogue line at its place on the timeline, and music (looped, at its volume, ducked
under speech with a sidechain compressor) when the step has it.

Inputs: the line WAVs are ffmpeg inputs `first_input ...` in `dialogue` order, then music.
"""

from __future__ import annotations

from pathlib import Path

from ...schemas import AssembleStep

SAMPLE_RATE = 48000


def sound_inputs(step: AssembleStep, workdir: Path, total: float) -> list[str]:
    """ffmpeg input arguments for sound this module makes itself (after the music input);
    `sound_graph` refers to them by index."""
    return []


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
    if step.music is not None:
        m = n + len(step.dialogue)
        parts.append(f"[{m}:a]{fmt},atrim=0:{total:.4f},volume={step.music.volume_db:g}dB[music]")
        if voices and step.music.duck_under_dialogue:
            ratio = max(1.0, min(20.0, 10 ** (-duck_db / 20)))
            parts.append("[speech]asplit=2[speech][sc0];[sc0]apad[sc]")
            parts.append(
                f"[music][sc]sidechaincompress=threshold=0.02:ratio={ratio:.2f}"
                ":attack=20:release=400[ducked]"
            )
            mix_inputs.append("[ducked]")
        else:
            mix_inputs.append("[music]")
    if voices:
        mix_inputs.append("[speech]")
    parts.append(
        f"{''.join(mix_inputs)}amix=inputs={len(mix_inputs)}:normalize=0:duration=first,"
        f"atrim=0:{total:.4f}[aout]"
        if len(mix_inputs) > 1
        else "[base]anull[aout]"
    )
    return parts
