"""The generated score: deterministic, music-shaped (the chord's notes carry the energy),
the film's length, at one loudness, faded at the ends, different per mood, fast."""

from __future__ import annotations

import numpy as np
import pytest

from sparkle_motion.media.score import (
    QUALITIES,
    RATE,
    TARGET_DBFS,
    feel_for,
    render_score,
    score_style,
    wav_bytes,
)


def _db(x: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(x**2)) + 1e-12))


def test_same_inputs_give_the_same_bytes_and_the_seed_changes_them():
    a = wav_bytes(render_score("wondrous", "harp and strings", 11, 6.0))
    assert a == wav_bytes(render_score("wondrous", "harp and strings", 11, 6.0))
    assert a != wav_bytes(render_score("wondrous", "harp and strings", 12, 6.0))


@pytest.mark.parametrize("seconds", [0.7, 5.0, 31.37])
def test_it_lasts_the_film_and_is_loud_enough_everywhere_but_the_fades(seconds):
    x = render_score("joyful", None, 3, seconds)
    assert x.shape == (round(seconds * RATE), 2) and x.dtype == np.float32
    assert abs(_db(x) - TARGET_DBFS) < 3
    if seconds > 5:  # every 50 ms between the fades is audible music (> -35 dBFS)
        w = RATE // 20
        body = x[2 * RATE : -4 * RATE].mean(axis=1)
        levels = [_db(body[i : i + w]) for i in range(0, len(body) - w, w)]
        assert min(levels) > -35


def test_it_fades_in_and_out():
    x = render_score("tender", None, 5, 20.0).mean(axis=1)
    middle = _db(x[8 * RATE : 12 * RATE])
    assert _db(x[: RATE // 20]) < middle - 25  # the first 50 ms
    assert _db(x[-RATE // 20 :]) < middle - 30  # the last 50 ms
    assert abs(x[-1]) < 1e-3 and abs(x[0]) < 1e-3


def test_moods_pick_mode_and_tempo_and_sound_different():
    assert feel_for("joyful").mode == feel_for("wondrous").mode == "major"
    assert feel_for("melancholy, rain").mode == feel_for("Tense!").mode == "minor"
    assert feel_for("melancholy").bpm < feel_for("joyful").bpm
    assert feel_for("unheard-of").name == "tender"  # a mood no word names
    joy = render_score("joyful", None, 9, 8.0)
    sad = render_score("melancholy", None, 9, 8.0)
    assert not np.array_equal(joy, sad)
    # heard: the major score's third above the key outweighs the minor third, and the
    # other way round; the joyful one is brighter
    key = score_style("joyful", None, 9).key
    joy_classes, sad_classes = _pitch_classes(joy), _pitch_classes(sad)
    assert joy_classes[(key + 4) % 12] > joy_classes[(key + 3) % 12]
    assert sad_classes[(key + 3) % 12] > sad_classes[(key + 4) % 12]
    assert _centroid(joy) > _centroid(sad)


def _spectrum(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mono = x.mean(axis=1) if x.ndim == 2 else x
    return np.abs(np.fft.rfft(mono * np.hanning(len(mono)))) ** 2, np.fft.rfftfreq(
        len(mono), 1 / RATE
    )


def _pitch_classes(x: np.ndarray) -> np.ndarray:
    power, freqs = _spectrum(x)
    keep = freqs > 60
    classes = np.round(69 + 12 * np.log2(freqs[keep] / 440)).astype(int) % 12
    return np.bincount(classes, weights=power[keep], minlength=12)


def _centroid(x: np.ndarray) -> float:
    power, freqs = _spectrum(x)
    return float((power * freqs).sum() / power.sum())


def test_the_first_chord_is_what_sounds():
    """Music, not a tone or noise: the strongest pitch classes of the first bar are the
    notes of the progression's first chord."""
    style = score_style("joyful", None, 21)
    x = render_score("joyful", None, 21, 12.0).mean(axis=1)
    bar = 4 * 60 / style.feel.bpm
    energy = _pitch_classes(x[int(0.3 * RATE) : int(bar * RATE)])
    root, quality = style.progression[0]
    chord = {(style.key + root + i) % 12 for i in QUALITIES[quality]}
    top = set(np.argsort(energy)[::-1][: len(chord)].tolist())
    assert top == chord


def test_a_film_of_no_length_is_refused():
    with pytest.raises(ValueError, match="seconds"):
        render_score("joyful", None, 1, 0.0)


@pytest.mark.parametrize("mood", ["joyful", "wondrous"])
def test_the_arrangement_grows_on_the_second_pass(mood):
    """A tune joins the arpeggio after the first pass through the progression: more of the
    sound sits in the 0.7-3 kHz band."""
    style = score_style(mood, None, 5)
    cycle = len(style.progression) * 240 / style.feel.bpm
    x = render_score(mood, None, 5, 3 * cycle).mean(axis=1)

    def upper(seg):
        power, freqs = _spectrum(seg)
        return power[(freqs > 700) & (freqs < 3000)].sum() / power.sum()

    first = x[int(1.6 * RATE) : int(cycle * RATE)]  # after the fade in
    second = x[int(cycle * RATE) : int(2 * cycle * RATE)]
    assert upper(second) > 1.1 * upper(first)
