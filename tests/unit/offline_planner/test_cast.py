"""Casting: names kept, kinds named in English looks, genders from the idea, and two
speakers never share a voice."""

from __future__ import annotations

import random

from sparkle_motion.offline_planner.cast import cast_members, invented_beings
from sparkle_motion.offline_planner.idea import read_idea


def members(text: str):
    idea = read_idea(text)
    return cast_members(idea, idea.beings or invented_beings(idea), random.Random(1))


def test_named_characters_keep_their_names_and_voices_match_gender():
    marta, leo = members("Two old friends, Marta and Leo, argue over chess")
    assert (marta.name, leo.name) == ("Marta", "Leo")
    assert (marta.gender, leo.gender) == ("female", "male")
    assert (marta.provider, marta.voice_id) == ("flite", "slt")
    assert (leo.provider, leo.voice_id) != (marta.provider, marta.voice_id)


def test_unknown_genders_alternate_so_speakers_differ():
    a, b = members("A fox and a crow share a piece of cheese")
    assert {a.gender, b.gender} == {"female", "male"}
    keeper, whale = members("a lighthouse keeper befriends a whale")
    assert keeper.voice_id != whale.voice_id
    boy, other = members("A boy and a stranger meet")
    assert boy.gender == "male" and other.gender == "female"


def test_looks_name_the_kind_in_english_even_for_other_languages():
    girl, dog = members("Una niña y su perro buscan conchas en la playa")
    assert "girl" in girl.appearance and "dog" in dog.appearance
    assert dog.name == "Perro" and girl.voice_id.startswith("es+")


def test_an_idea_with_no_one_gets_a_fitting_witness():
    [witness] = members("Fog rolls over the harbour")
    assert witness.kind == "fisherman"
    assert len(members("Friendship")) == 2


def test_an_accented_name_is_found_in_the_name_lists():
    from sparkle_motion.offline_planner.cast_kinds import _name_gender

    assert _name_gender("Chloé") == _name_gender("Chloe") == "f"
