"""Which ambience a shot's words suggest (media/ambience.py renders it): weather words
(storm, rain) from the setting or the description, places (wind-swept heights, sea, city,
forest) from the setting only; an interior hears only the weather outside. No numpy here:
plan intake calls it."""

from __future__ import annotations

import re
from typing import Literal

from ..schemas.steps import AmbienceKind


def _each(words: str) -> frozenset[str]:
    return frozenset(words.split())


# first match wins: weather before places
_WORDS: tuple[tuple[AmbienceKind | Literal["forest"], frozenset[str]], ...] = (
    ("storm", _each("storm stormy thunder thunderstorm lightning tempest hurricane typhoon gale")),
    ("rain", _each("rain rainy raining drizzle downpour rainstorm monsoon showers")),
    (
        "wind",
        _each(
            "wind windy blizzard snowstorm gust gusts desert dunes mountain mountains summit "
            "peak cliff cliffs tundra snowfield"
        ),
    ),
    (
        "sea",
        _each(
            "sea ocean waves wave beach shore coast harbour harbor bay surf seaside lighthouse "
            "pier port island cove dock"
        ),
    ),
    (
        "city",
        _each(
            "city street streets traffic downtown avenue market town boulevard crossroads "
            "intersection metropolis square"
        ),
    ),
    (
        "forest",
        _each(
            "forest woods wood woodland jungle garden park meadow grove orchard field fields "
            "countryside glade clearing"
        ),
    ),
)
_INTERIOR = _each(
    "room kitchen bedroom cafe café shop store office classroom library hall house apartment "
    "flat inside indoors interior cabin attic basement studio workshop restaurant bar museum "
    "lab laboratory corridor hallway cellar"
)

# things named after weather that are not weather
_NOT_WEATHER = re.compile(
    r"\b(storm|rain)[ -]?(drains?|doors?|windows?|boots?|coats?|jackets?|gauges?)\b"
)


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", _NOT_WEATHER.sub(" ", (text or "").lower())))


def ambience_for(
    setting: str | None, description: str | None = None, time_of_day: str | None = None
) -> AmbienceKind | None:
    """The ambience a shot's words suggest, or None. Weather words count from the setting
    and the description; places only from the setting when there is one (a description names too much)."""
    setting_words = _words(setting)
    all_words = setting_words | _words(description)
    interior = bool(setting_words & _INTERIOR)
    for kind, words in _WORDS:
        weather = kind in ("storm", "rain")
        pool = all_words if weather or not setting else setting_words
        if not pool.intersection(words):
            continue
        if interior and not weather:
            return None
        if kind == "forest":
            return "forest_night" if time_of_day in ("night", "dusk") else "forest_day"
        return kind
    return None
