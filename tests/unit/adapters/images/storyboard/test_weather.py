"""Weather: storm clouds with rain and a bolt, rain, snow on the ground and in the air,
fog that veils, wind that blows."""

from __future__ import annotations

from sparkle_motion.adapters.images.storyboard.weather import BOLT, FLAKE

from .frames import H, changed, near, pixels, step


def _frame(words: str, time: str = "day"):
    return pixels(step(f"a walk {words}", setting="the hills", time=time))


def test_a_storm_darkens_the_sky_rains_and_strikes_lightning():
    clear, storm = _frame(""), _frame("in a storm")
    sky = slice(0, int(H * 0.3))
    assert storm[sky].mean() < clear[sky].mean() - 40
    assert near(storm, BOLT, 2).any() and not near(clear, BOLT, 2).any()
    assert changed(clear, storm)[int(H * 0.6) :].mean() > 0.05  # rain over the ground too


def test_rain_without_thunder_has_no_bolt():
    rain = _frame("in the rain")
    assert not near(rain, BOLT, 2).any()
    assert changed(_frame(""), rain).mean() > 0.1


def test_snow_whitens_the_ground_and_falls():
    snow = _frame("in the snow")
    ground = slice(int(H * 0.8), H)
    assert snow[ground].mean() > _frame("")[ground].mean() + 60
    assert near(snow[: int(H * 0.4)], FLAKE, 3).sum() > 20


def test_fog_lowers_the_contrast():
    assert _frame("in thick fog").std() < _frame("").std() * 0.8


def test_wind_blows_streaks_and_leaves():
    assert changed(_frame(""), _frame("in the wind")).mean() > 0.005
