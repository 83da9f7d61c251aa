"""Ambience: picked from a shot's words (weather anywhere, places from the setting, an
interior hears only weather), quiet, laid on each shot's span with crossfades, seeded."""

from __future__ import annotations

import numpy as np
import pytest

from sparkle_motion.media.ambience import KINDS, LEVEL_DBFS, render_ambience
from sparkle_motion.media.ambience_words import ambience_for
from sparkle_motion.media.score import RATE


@pytest.mark.parametrize(
    ("setting", "description", "time_of_day", "kind"),
    [
        ("open sea at night under the lighthouse beam", None, "night", "sea"),
        ("a wet city street", "a paper boat in the gutter", None, "city"),
        ("a Paris cafe", "rain streams down the window", "night", "rain"),
        ("a Paris cafe", "two friends argue over chess", "night", None),
        ("lighthouse lamp room above a rocky coast", None, "dusk", None),  # inside
        ("a pine forest", None, "day", "forest_day"),
        ("a pine forest", None, "night", "forest_night"),
        ("a mountain pass", "thunder rolls over the peaks", None, "storm"),
        ("a quiet library", None, None, None),
        (None, "waves break on the beach", None, "sea"),  # no setting: the description
        ("a wet city street", "a paper boat spins toward a storm drain", None, "city"),
    ],
)
def test_the_shot_words_pick_the_kind(setting, description, time_of_day, kind):
    assert ambience_for(setting, description, time_of_day) == kind


def _db(x) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.asarray(x) ** 2)) + 1e-12))


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_quiet_steady_and_seeded(kind):
    x = render_ambience([(0.0, 8.0, kind)], 4, 8.0)
    assert x is not None and x.shape == (8 * RATE, 2)
    assert abs(_db(x[RATE:-RATE]) - LEVEL_DBFS) < 3  # quiet: far under speech
    assert np.abs(x).max() < 0.5
    assert np.array_equal(x, render_ambience([(0.0, 8.0, kind)], 4, 8.0))
    assert not np.array_equal(x, render_ambience([(0.0, 8.0, kind)], 5, 8.0))


def test_spans_without_ambience_stay_silent_and_joins_crossfade():
    x = render_ambience([(0.0, 4.0, "sea"), (4.0, 8.0, None), (8.0, 12.0, "rain")], 1, 12.0)
    assert x is not None
    assert _db(x[int(5 * RATE) : int(7 * RATE)]) < -90  # the shot with none
    assert _db(x[int(1.5 * RATE) : int(3.5 * RATE)]) > LEVEL_DBFS - 6
    # the join is a ramp, not a switch: the 0.1 s around it sits between the two levels
    edge = _db(x[int(3.95 * RATE) : int(4.05 * RATE)])
    assert LEVEL_DBFS - 20 < edge < LEVEL_DBFS
    assert render_ambience([(0.0, 3.0, None)], 1, 3.0) is None


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="ambience: unknown kind 'lava'"):
        render_ambience([(0.0, 3.0, "lava")], 1, 3.0)


@pytest.mark.parametrize("seconds", [0.01, 0.04, 1.0])
def test_a_film_shorter_than_the_crossfade_still_gets_its_ambience(seconds):
    x = render_ambience([(0.0, seconds, "forest_day")], 2, seconds)
    assert x is not None and x.shape == (round(seconds * RATE), 2) and np.isfinite(x).all()


@pytest.mark.parametrize("kind", KINDS)
def test_no_kind_pokes_out_of_the_background(kind):
    """Birdsong, droplets and gusts stay in the background: the loudest 50 ms (1 in 100)
    within 6 dB of the bed's level, the loudest sample far under full scale."""
    x = render_ambience([(0.0, 20.0, kind)], 3, 20.0)
    assert x is not None
    mono = x[RATE:-RATE].mean(axis=1)
    w = RATE // 20
    levels = [_db(mono[i : i + w]) for i in range(0, len(mono) - w, w)]
    assert np.percentile(levels, 99) < LEVEL_DBFS + 6
    assert np.abs(x).max() < 10 ** (-14 / 20)
