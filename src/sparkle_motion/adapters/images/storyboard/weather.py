"""Weather: storm clouds with rain and a lightning bolt, rain, snow, wind and fog.

`draw_clouds` goes behind the land (the sky's cover); `draw_weather` goes in front of
everything in a box (the whole frame outside, a window's pane inside); `draw_fog` veils
the frame (it needs the image, not only the drawing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .canvas import RGB, Canvas, mix
from .sky import cloud

if TYPE_CHECKING:
    from PIL import Image

Box = tuple[int, int, int, int]

RAIN: RGB = (170, 185, 205)
FLAKE: RGB = (250, 250, 255)
BOLT: RGB = (255, 250, 190)


def draw_clouds(c: Canvas, weather: set[str]) -> None:
    """A heavy cloud bank for storm and rain, a pale one for snow."""
    if weather & {"storm", "rain"}:
        dark = (52, 56, 66) if "storm" in weather else (110, 114, 124)
        colour = c.lit(dark)
        for i in range(9):
            cx = c.width * (i + c.rng.uniform(-0.3, 0.3)) / 8
            cloud(
                c, cx, c.y(c.rng.uniform(0.05, 0.16)), c.height * c.rng.uniform(0.08, 0.12), colour
            )
            cloud(
                c,
                cx + c.width * 0.06,
                c.y(c.rng.uniform(0.16, 0.26)),
                c.height * c.rng.uniform(0.06, 0.09),
                mix(colour, (0, 0, 0), 0.15),
            )
    elif "snow" in weather:
        colour = c.lit((200, 204, 214))
        for i in range(6):
            cloud(
                c, c.width * (i + 0.5) / 6, c.y(c.rng.uniform(0.05, 0.14)), c.height * 0.07, colour
            )


def draw_weather(
    c: Canvas, weather: set[str], box: Box, *, foreground: bool = True, clear: float | None = None
) -> None:
    """Rain, snow, wind and lightning over `box`; the bolt strikes away from x=`clear`."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if not foreground or w <= 0 or h <= 0:
        return
    density = w * h / (c.width * c.height)
    if "storm" in weather:
        _bolt(c, box, clear)
    if weather & {"storm", "rain"}:
        slant = c.height * (0.04 if "storm" in weather or "wind" in weather else 0.015)
        drop = c.height * 0.045
        colour = mix(RAIN, (255, 255, 255), 0.2) if c.night else RAIN
        for _ in range(max(6, int(420 * density))):
            x, y = x0 + c.rng.random() * w, y0 + c.rng.random() * h
            end = (min(x1, x + slant * 0.4), min(y1, y + drop))
            c.draw.line([(x, y), end], fill=colour, width=1 if density < 0.3 else 2)
    if "snow" in weather:
        for _ in range(max(8, int(360 * density))):
            x, y = x0 + c.rng.random() * w, y0 + c.rng.random() * h
            r = c.rng.choice((1.5, 2.5, 3.5)) * max(0.5, c.height / 720)
            c.draw.ellipse([x - r, y - r, x + r, y + r], fill=FLAKE)
    if "wind" in weather and density > 0.3:
        streak = mix(c.sky[1], (255, 255, 255), 0.5)
        for _ in range(10):
            x, y = x0 + c.rng.random() * w * 0.8, y0 + c.rng.random() * h * 0.7
            length = c.width * c.rng.uniform(0.08, 0.18)
            c.draw.arc([x, y, x + length, y + c.height * 0.05], 200, 340, fill=streak, width=2)
        for _ in range(8):  # blown leaves
            x, y = x0 + c.rng.random() * w, y0 + c.rng.random() * h * 0.8
            c.draw.ellipse([x, y, x + 8, y + 4], fill=c.lit((170, 110, 40)))


def _bolt(c: Canvas, box: Box, clear: float | None) -> None:
    x0, y0, x1, y1 = box
    # the bolt strikes off to one side, clear of the characters in the middle
    left, right = c.rng.uniform(0.08, 0.2), c.rng.uniform(0.8, 0.92)
    if clear is None:
        side = c.rng.choice((left, right))
    else:
        side = right if (clear - x0) / max(1, x1 - x0) < 0.5 else left
    x = x0 + (x1 - x0) * side
    y = y0 + (y1 - y0) * 0.1
    bottom = y0 + (y1 - y0) * c.rng.uniform(0.5, 0.7)
    points = [(x, y)]
    while y < bottom:
        y += (y1 - y0) * c.rng.uniform(0.06, 0.1)
        x += (x1 - x0) * c.rng.uniform(-0.05, 0.05)
        points.append((x, y))
    width = max(2, int((x1 - x0) / 220))
    c.draw.line(points, fill=mix(BOLT, (255, 255, 255), 0.5), width=width * 3, joint="curve")
    c.draw.line(points, fill=BOLT, width=width, joint="curve")


def draw_fog(image: Image.Image, strength: float = 0.38) -> Image.Image:
    from PIL import Image

    return Image.blend(image, Image.new("RGB", image.size, (200, 205, 212)), strength)
