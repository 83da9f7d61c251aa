"""Casting preview voices: different models for different characters, a female voice for a
female character, espeak-ng for other languages, a repeat (with a pitch) only when a gender's
voices are used up."""

from __future__ import annotations

import pytest

from sparkle_motion.media.cast_voices import (
    ENGLISH,
    cast_voice,
    espeak_language,
    gender_of,
    repeat_pitch,
)


def _cast(genders, language="en"):
    taken: set[str] = set()
    out = []
    for gender in genders:
        provider, voice_id = cast_voice(gender, language, taken)
        taken.add(f"{provider}:{voice_id}")
        out.append((provider, voice_id))
    return out


def test_a_man_and_a_woman_get_two_different_models():
    (male, female) = _cast(["male", "female"])
    assert male == ("piper", "en_US-joe-medium") and female == ("flite", "slt")
    assert gender_of(*female) == "female" and gender_of(*male) == "male"


def test_three_men_get_three_models_and_a_second_woman_another_voice():
    men = _cast(["male", "male", "male"])
    assert len(set(men)) == 3 and {p for p, _ in men} == {"piper", "flite"}
    women = _cast(["female", "female"])
    assert len(set(women)) == 2 and gender_of(*women[1]) == "female"


def test_other_languages_speak_with_espeak_ng_in_that_language():
    assert _cast(["female", "male"], "es") == [("espeak-ng", "es+f3"), ("espeak-ng", "es+m3")]
    assert cast_voice("male", "zh", set()) == ("espeak-ng", "cmn+m3")
    assert espeak_language("en") == "en-us" and espeak_language("fr") == "fr"


def test_used_up_voices_repeat_with_a_pitch_to_tell_them_apart():
    every_female = {f"{v.provider}:{v.voice_id}" for v in ENGLISH if v.gender == "female"}
    again = cast_voice("female", "en", every_female)
    assert gender_of(*again) == "female"
    cast = ["flite:slt", "piper:en_US-joe-medium"]
    assert repeat_pitch("flite", "rms", cast) == 0.0  # its first character: natural pitch
    assert repeat_pitch("flite", "slt", cast) == 3.0
    assert repeat_pitch("flite", "slt", [*cast, "flite:slt"]) == -3.0


def test_the_gender_of_an_unknown_voice_is_unknown():
    assert gender_of("chatterbox", "cloned") is None
    assert gender_of("espeak-ng", "de+f2") == "female"
    assert gender_of(None, None) is None


@pytest.mark.parametrize("language", ("en", "es", "fr", "de", "zh", "it"))
def test_two_genders_two_different_voices_in_every_language(language):
    pairs = {cast_voice(g, language, set()) for g in ("female", "male")}
    assert len(pairs) == 2
