"""The frame being drawn: its size, its random choices, its light, and colour helpers.

Every random choice comes from `Canvas.rng` (seeded by the step's seed), so the same step
draws the same frame. `lit(colour)` darkens a surface for the time of day; what gives
light (the moon, lamps, lit windows) and the characters themselves are drawn unshaded.
"""

from __future__ import annotations

import colorsys
import hashlib
import random
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image, ImageDraw

RGB = tuple[int, int, int]
Point = tuple[float, float]

SKY: dict[str, tuple[RGB, RGB]] = {  # top, horizon
    "dawn": ((70, 80, 140), (245, 170, 120)),
    "day": ((90, 150, 220), (200, 225, 245)),
    "dusk": ((60, 40, 100), (240, 130, 80)),
    "night": ((8, 12, 35), (30, 45, 80)),
}
LIGHT: dict[str, tuple[RGB, float]] = {  # what surfaces are mixed toward, and how far
    "dawn": ((230, 150, 130), 0.15),
    "day": ((255, 255, 255), 0.0),
    "dusk": ((80, 40, 90), 0.3),
    "night": ((10, 16, 40), 0.62),
}
MOOD_TINT: dict[str, tuple[RGB, float]] = {  # (rgb, strength)
    "joyful": ((255, 210, 90), 0.18),
    "happy": ((255, 210, 90), 0.18),
    "warm": ((255, 170, 90), 0.18),
    "lively": ((255, 150, 60), 0.15),
    "relieved": ((250, 220, 160), 0.12),
    "wondrous": ((150, 120, 255), 0.18),
    "mysterious": ((80, 60, 160), 0.22),
    "tense": ((200, 40, 40), 0.2),
    "menacing": ((160, 20, 20), 0.25),
    "melancholy": ((90, 110, 150), 0.3),
    "lonely": ((100, 120, 160), 0.25),
    "sad": ((90, 100, 140), 0.3),
    "calm": ((110, 190, 180), 0.15),
    "hopeful": ((255, 230, 160), 0.15),
}
WARM_LIGHT: RGB = (255, 214, 130)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return r, g, bl


def _saturated(hue: float) -> RGB:
    r, g, b = colorsys.hls_to_rgb(hue, 0.55, 0.75)
    return int(r * 255), int(g * 255), int(b * 255)


# the colour words an appearance may dress a character in ("in teal", "a red scarf")
NAMED_COLOURS: dict[str, RGB] = {
    "red": _saturated(0.0),
    "orange": _saturated(0.07),
    "yellow": _saturated(0.14),
    "gold": _saturated(0.12),
    "golden": _saturated(0.12),
    "green": _saturated(0.33),
    "teal": _saturated(0.48),
    "blue": _saturated(0.6),
    "purple": _saturated(0.77),
    "violet": _saturated(0.77),
    "pink": _saturated(0.9),
    "white": (235, 235, 230),
    "black": (45, 45, 50),
    "grey": (140, 140, 145),
    "gray": (140, 140, 145),
    "brown": (130, 85, 50),
}
_NAMES = "|".join(NAMED_COLOURS)
CLOTHES = "coat|dress|jacket|cloak|robe|sweater|shirt|suit|gown|uniform|overalls|raincoat|tunic"
_DRESSED = (  # the first that names one wins
    # "in teal", "wearing red" (a colour alone: "in a red cap" colours the cap), "teal accents"
    re.compile(
        rf"\b(?:in|wearing|dressed in|clad in)\s+({_NAMES})\b(?!\s+(?!and\b|with\b|or\b)\w)"
        rf"|\b({_NAMES})\s+accents\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\b({_NAMES})\s+(?:{CLOTHES})s?\b", re.IGNORECASE),  # "a blue coat"
)


def named_colour(words: str) -> RGB | None:
    """The colour `words` dress a character in: "in teal", "wearing red", "blue accents",
    else "a green coat"."""
    for pattern in _DRESSED:
        found = pattern.search(words)
        if found:
            return NAMED_COLOURS[next(g for g in found.groups() if g).lower()]
    return None


def tint_of(words: str, item_words: tuple[str, ...]) -> RGB | None:
    """The colour named just before one of `item_words` ("a red scarf"), if any."""
    items = "|".join(re.escape(w) for w in item_words)
    found = re.search(rf"\b({_NAMES})\s+({items})s?\b", words, re.IGNORECASE)
    return NAMED_COLOURS[found.group(1).lower()] if found else None


def character_colour(char_id: str, words: str = "") -> RGB:
    """The colour a character wears: the one their appearance names ("in teal"), else a
    saturated colour fixed by the id; either way the same in every shot."""
    named = named_colour(words)
    if named is not None:
        return named
    return _saturated(int.from_bytes(hashlib.sha256(char_id.encode()).digest()[:2], "big") / 65535)


def darker(colour: RGB, t: float = 0.35) -> RGB:
    return mix(colour, (0, 0, 0), t)


def _ordered(xy: Any) -> list[float]:
    """A box's corners in order (Pillow refuses x1 < x0, which odd frame shapes give)."""
    if len(xy) == 2:
        (x0, y0), (x1, y1) = xy
    else:
        x0, y0, x1, y1 = xy
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def drawing(image: Image.Image) -> ImageDraw.ImageDraw:
    """An ImageDraw whose boxes may come in any corner order."""
    from PIL import ImageDraw

    class Drawing(ImageDraw.ImageDraw):
        def rectangle(self, xy: Any, *args: Any, **kw: Any) -> None:
            super().rectangle(_ordered(xy), *args, **kw)

        def rounded_rectangle(self, xy: Any, radius: float = 0, *args: Any, **kw: Any) -> None:
            box = _ordered(xy)
            radius = min(radius, (box[2] - box[0]) / 2, (box[3] - box[1]) / 2)
            super().rounded_rectangle(box, max(0, int(radius)), *args, **kw)

        def ellipse(self, xy: Any, *args: Any, **kw: Any) -> None:
            super().ellipse(_ordered(xy), *args, **kw)

        def arc(self, xy: Any, *args: Any, **kw: Any) -> None:
            super().arc(_ordered(xy), *args, **kw)

        def chord(self, xy: Any, *args: Any, **kw: Any) -> None:
            super().chord(_ordered(xy), *args, **kw)

        def pieslice(self, xy: Any, *args: Any, **kw: Any) -> None:
            super().pieslice(_ordered(xy), *args, **kw)

    return Drawing(image)


@dataclass
class Canvas:
    """A frame in progress. `ground_y` is where the floor or the land meets the sky or wall;
    `water_y` where open water starts (None: no water)."""

    draw: ImageDraw.ImageDraw
    width: int
    height: int
    rng: random.Random
    time: str = "day"
    ground_y: int = 0
    water_y: int | None = None
    sky: tuple[RGB, RGB] = SKY["day"]
    marks: dict[str, Point] = field(default_factory=dict)

    @property
    def night(self) -> bool:
        return self.time == "night"

    def lit(self, colour: RGB) -> RGB:
        toward, strength = LIGHT[self.time]
        return mix(colour, toward, strength)

    def x(self, fraction: float) -> float:
        return fraction * self.width

    def y(self, fraction: float) -> float:
        return fraction * self.height


@dataclass(frozen=True)
class Drawn:
    """Where a drawn figure is: above its head (its name goes there), its front hand (what
    it holds; where a kite's string starts), its feet, and its bounding box."""

    top: Point
    hand: Point
    feet: Point
    box: tuple[float, float, float, float]
