from __future__ import annotations

import pytest

from sparkle_motion.offline_planner.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("a lighthouse keeper befriends a whale", "en"),
        ("Storm", "en"),
        ("Una niña y su perro buscan conchas en la playa", "es"),
        ("Le chat de Marie attend sous la pluie", "fr"),
        ("Zwei Kinder bauen ein Baumhaus im Wald", "de"),
        ("Oma Hilde backt Kuchen", "de"),
        ("桜の木の下で、二人の子供が凧を揚げている", "ja"),
        ("老渔夫和他的孙女在海边看日出", "zh"),
        ("Zxqv blorp", "en"),
    ],
)
def test_detects_the_idea_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["Zoë and Chloé dance", "Renée and Noël bake bread"])
def test_accented_names_do_not_make_an_english_idea_french(text):
    assert detect_language(text) == "en"
