from __future__ import annotations

import pytest

from sparkle_motion.offline_planner.story import write_plan


@pytest.mark.parametrize(
    ("idea", "title"),
    [
        (
            "Two old friends, Marta and Leo, argue over a chess game in a Paris cafe at night",
            "Marta and Leo",
        ),
        ("a lighthouse keeper befriends a whale", "The Lighthouse Keeper and the Whale"),
        ("Three musicians play on a street corner", "The Three Musicians"),
        ("Storm", "Storm"),
        ("A winter night in the forest", "A Winter Night in the Forest"),
        ("What if the moon fell into the sea?", "What If the Moon Fell into the Sea?"),
        ("Una niña y su perro buscan conchas en la playa al atardecer", "La niña y el perro"),
        ("Camille et Hugo dînent sur un bateau à Paris le soir", "Camille et Hugo"),
        ("Zwei Kinder bauen ein Baumhaus im Wald", "Die Kinder"),
    ],
)
def test_titles_come_from_the_idea(idea, title):
    assert write_plan(idea, 0)["title"] == title
