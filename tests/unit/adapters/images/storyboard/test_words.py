"""Keyword tables: whole words, plurals, and which is named first."""

from __future__ import annotations

from sparkle_motion.adapters.images.storyboard.words import (
    CREATURES,
    PROPS,
    all_mentions,
    first_mention,
    mentions,
)


def test_whole_words_and_plurals_match_and_parts_of_words_do_not():
    assert mentions("two cats on a wall", CREATURES["cat"])
    assert mentions("a pair of foxes", CREATURES["fox"])
    assert not mentions("a catch of fish", CREATURES["cat"])
    assert not mentions("the lighthouse keeper", ("house",))
    assert mentions("Un café à Paris", ("café",))


def test_the_first_named_entry_wins_and_all_are_found():
    assert first_mention("a fox looks up at a crow", CREATURES) == "fox"
    assert first_mention("a crow looks down at a fox", CREATURES) == "crow"
    assert first_mention("nothing alive here", CREATURES) is None
    assert all_mentions("a kite, a bicycle and a chessboard", PROPS) == ["chess", "bike", "kite"]
