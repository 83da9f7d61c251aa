"""The planner's copy of the casting rule agrees with the TTS adapters' table on every
gender, language and taken set (the planner may not import the adapters' layer)."""

from __future__ import annotations

import itertools

import pytest

from sparkle_motion.adapters.tts import cast_voices as adapters
from sparkle_motion.offline_planner import voices as planner

LANGUAGES = ("en", "es", "fr", "de", "zh", "it")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("gender", ["female", "male"])
def test_same_voices_as_the_tts_table(language, gender):
    taken: set[str] = set()
    order: list[str] = []
    for _ in range(9):  # past every voice of the gender, into repeats
        mine = planner.cast_voice(gender, language, taken)
        assert mine == adapters.cast_voice(gender, language, taken)
        key = f"{mine[0]}:{mine[1]}"
        assert planner.repeat_pitch(*mine, order) == adapters.repeat_pitch(*mine, order)
        taken.add(key)
        order.append(key)


def test_two_genders_two_different_voices_in_every_language():
    for language in LANGUAGES:
        pairs = {planner.cast_voice(g, language, set()) for g in ("female", "male")}
        assert len(pairs) == 2


def test_the_english_table_is_the_adapters_one():
    assert tuple((v.provider, v.voice_id, v.gender) for v in adapters.ENGLISH) == planner.ENGLISH
    assert planner.ESPEAK_VARIANTS == adapters.ESPEAK_VARIANTS
    assert list(itertools.chain(planner.REPEAT_PITCH)) == list(adapters.REPEAT_PITCH)
