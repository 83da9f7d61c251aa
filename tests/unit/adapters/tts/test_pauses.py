"""Evening out a spoken line's pauses: edges trimmed to 60 ms, long pauses shortened to
0.3 s, nothing audible cut."""

from __future__ import annotations

import numpy as np

from sparkle_motion.adapters.tts.pauses import EDGE_S, PAUSE_S, tighten

RATE = 16000


def _tone(seconds: float) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return (8000 * np.sin(2 * np.pi * 180 * t)).astype(np.int16)


def _quiet(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * RATE), dtype=np.int16)


def test_edges_are_trimmed_and_a_long_pause_shortened():
    line = np.concatenate([_quiet(0.5), _tone(0.4), _quiet(1.0), _tone(0.4), _quiet(0.6)])
    out = tighten(line, RATE)
    assert abs(len(out) / RATE - (2 * EDGE_S + 0.8 + PAUSE_S)) < 0.02
    # every loud sample kept, in order
    assert np.count_nonzero(out) == np.count_nonzero(line)
    assert np.array_equal(out[out != 0], line[line != 0])


def test_a_short_pause_stays_and_silence_is_left_alone():
    line = np.concatenate([_tone(0.3), _quiet(0.2), _tone(0.3)])
    assert len(tighten(line, RATE)) == len(line)
    nothing = _quiet(0.5)
    assert np.array_equal(tighten(nothing, RATE), nothing)
