"""The measures of benchmarks/preview_quality.py on made-up pictures and sound: a blend of
two layouts is a double exposure and one layout under a camera move is not; the score
heard outside every line is music (ambience is not); a line's pace is its words over its WAV's length."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from benchmarks.preview_quality import (
    FRAME_H,
    FRAME_W,
    SAMPLE_RATE,
    double_exposed,
    line_paces,
    sound_figures,
    speech_spans,
    warp,
)


def layout(seed: int) -> np.ndarray:
    """A storyboard-like picture: a few flat shapes on a gradient."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:FRAME_H, 0:FRAME_W]
    image = 60 + 100 * ys / FRAME_H
    for _ in range(5):
        cx, cy = rng.uniform(10, FRAME_W - 10), rng.uniform(10, FRAME_H - 10)
        r = rng.uniform(6, 25)
        image = np.where((xs - cx) ** 2 + (ys - cy) ** 2 < r**2, rng.uniform(0, 255), image)
    return np.asarray(image, dtype=np.float64)


def test_a_blend_of_two_layouts_is_flagged_and_a_moving_single_layout_is_not() -> None:
    a, b = layout(1), layout(2)
    frames = np.stack(
        [
            warp(a, 1.09, 0, 0),  # zoomed: one layout
            warp(a, 1.12, 5.0, 0),  # panned: one layout
            0.5 * warp(a, 1.06, 0, 0) + 0.5 * warp(b, 1.06, 0, 0),  # mid-dissolve
            0.7 * warp(a, 1.12, 0, 3.0) + 0.3 * warp(b, 1.12, 0, 3.0),
            0.95 * a + 0.05 * b,  # a trace of B: not a visible double exposure
        ]
    )
    assert double_exposed(frames, a, b).tolist() == [False, False, True, True, False]


def write_wav(
    path: Path, seconds: float, loud: list[tuple[float, float]], noise: float = 0.0
) -> Path:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    samples = np.zeros_like(t)
    for start, end in loud:
        on = (t >= start) & (t < end)
        samples[on] = 0.2 * np.sin(2 * np.pi * 220 * t[on])
    samples += noise * np.random.default_rng(3).standard_normal(len(t))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


def test_sound_only_under_the_lines_is_no_music(tmp_path: Path) -> None:
    speech = write_wav(tmp_path / "speech.wav", 6.0, [(1.0, 2.0), (4.0, 5.0)])
    figures = sound_figures(speech, [(1.0, 2.0), (4.0, 5.0)])
    assert figures["music"] is False
    assert 0.6 < figures["silence_share"] < 0.7
    scored = write_wav(tmp_path / "scored.wav", 6.0, [(0.0, 6.0)])
    figures = sound_figures(scored, [(1.0, 2.0)])
    assert figures["music"] is True and figures["silence_share"] == 0.0


def test_a_line_plays_as_long_as_its_wav_when_lines_and_cues_pair_up() -> None:
    records = [
        {
            "stage": "assemble",
            "artifacts": [{"metadata": {"lines": [{"duration_s": 3.0}, {"duration_s": 0.5}]}}],
        }
    ]
    cues = [(5.0, 6.0), (1.0, 2.0)]
    assert speech_spans(cues, records) == [(1.0, 4.0), (5.0, 6.0)]
    assert speech_spans(cues[:1], records) == [(5.0, 6.0)]  # merged cues: the cues alone


def test_line_pace_is_words_over_the_wav_and_skips_unspaced_scripts() -> None:
    plan = {
        "shots": [
            {
                "id": "s1",
                "dialogue": [
                    {"character": "a", "text": "Don't you dare move that knight."},
                    {"character": "b", "text": "桜の木の下で"},
                ],
            }
        ]
    }
    records = [
        {
            "artifacts": [
                {
                    "artifact_type": "dialogue_wav",
                    "metadata": {"line_id": line_id, "duration_s": 2.0},
                }
            ]
        }
        for line_id in ("s1-l1", "s1-l2")
    ]
    assert line_paces(plan, records) == [{"line_id": "s1-l1", "words": 6, "wpm": 180.0}]


def test_music_is_the_score_heard_not_any_sound_between_the_lines(tmp_path: Path) -> None:
    """Ambience alone is loud enough for the level test but is not the score; the score
    under some ambience is heard."""
    seconds = 6.0
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    score = 0.2 * np.sin(2 * np.pi * 220 * t)
    ambience_only = write_wav(tmp_path / "ambience.wav", seconds, [], noise=0.03)
    assert sound_figures(ambience_only, [(1.0, 2.0)])["music"] is True  # the level is fooled
    assert sound_figures(ambience_only, [(1.0, 2.0)], score)["music"] is False
    both = write_wav(tmp_path / "both.wav", seconds, [(0.0, seconds)], noise=0.03)
    figures = sound_figures(both, [(1.0, 2.0)], score)
    assert figures["music"] is True and figures["music_share"] == 1.0
