"""The sky: a gradient from the time of day (tinted by the mood), the sun or a moon and
stars, and clouds. Also drawn, small, in an interior's windows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .canvas import MOOD_TINT, RGB, SKY, Canvas, mix

if TYPE_CHECKING:
    from PIL import Image

Box = tuple[int, int, int, int]

MOON: RGB = (246, 244, 222)
STAR: RGB = (225, 228, 245)


def palette(time: str, mood: str | None) -> tuple[RGB, RGB]:
    """The sky's (top, horizon) colours for a time of day, tinted by the first mood word."""
    top, horizon = SKY[time]
    low = (mood or "").lower()
    for word, (tint, strength) in MOOD_TINT.items():
        if word in low:
            return mix(top, tint, strength), mix(horizon, tint, strength)
    return top, horizon


def gradient(top: RGB, bottom: RGB, width: int, height: int) -> Image.Image:
    """A vertical gradient: one column, stretched (far quicker than a line per row)."""
    from PIL import Image

    height = max(1, height)
    column = Image.new("RGB", (1, height))
    column.putdata([mix(top, bottom, y / max(1, height - 1)) for y in range(height)])
    return column.resize((max(1, width), height), Image.Resampling.NEAREST)


def draw_sky(c: Canvas, image: Image.Image, box: Box, *, overcast: bool, small: bool) -> None:
    """Sky in `box` with the sun, or the moon and stars at night. `small`: a window's view
    (a smaller disc); `overcast`: storm clouds hide the sun and most stars."""
    x0, y0, x1, y1 = box
    top, horizon = c.sky
    if overcast:
        top, horizon = mix(top, (70, 74, 84), 0.55), mix(horizon, (95, 98, 108), 0.55)
    image.paste(gradient(top, horizon, x1 - x0, y1 - y0), (x0, y0))
    w, h = x1 - x0, y1 - y0
    r = max(3, int(min(w, h) * 0.12)) if small else int(c.height * 0.06)
    cx = x0 + w * c.rng.uniform(0.25, 0.75) if small else c.rng.uniform(0.12, 0.88) * c.width
    cy = y0 + h * c.rng.uniform(0.2, 0.4) if small else c.rng.uniform(0.1, 0.22) * c.height
    if c.night:
        stars = 14 if small else 90
        for _ in range(stars if not overcast else stars // 6):
            sx, sy = x0 + c.rng.random() * w, y0 + c.rng.random() * h * 0.9
            size = 1 if c.rng.random() < 0.8 else 2
            c.draw.ellipse([sx - size, sy - size, sx + size, sy + size], fill=STAR)
        if not overcast:
            glow = mix(top, MOON, 0.25)
            c.draw.ellipse([cx - r * 1.6, cy - r * 1.6, cx + r * 1.6, cy + r * 1.6], fill=glow)
            c.draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=MOON)
            crater = mix(MOON, (170, 170, 160), 0.35)
            for dx, dy, k in ((-0.3, -0.2, 0.22), (0.25, 0.3, 0.16), (0.1, -0.45, 0.1)):
                c.draw.ellipse(
                    [
                        cx + dx * r - k * r,
                        cy + dy * r - k * r,
                        cx + dx * r + k * r,
                        cy + dy * r + k * r,
                    ],
                    fill=crater,
                )
            c.marks.setdefault("moon", (cx, cy))
    elif not overcast:
        disc = mix(horizon, (255, 245, 200), 0.75)
        if c.time in ("dawn", "dusk"):  # a low sun, near the horizon
            cy = y1 - r * 1.2 if small else c.ground_y - r * 0.6
        c.draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=disc)
        c.marks.setdefault("sun", (cx, cy))


def cloud(c: Canvas, cx: float, cy: float, size: float, colour: RGB) -> None:
    """A cumulus: overlapping puffs on a flat base."""
    for dx, dy, k in ((-0.9, 0.15, 0.55), (-0.35, -0.2, 0.75), (0.3, -0.1, 0.7), (0.85, 0.15, 0.5)):
        r = size * k
        c.draw.ellipse(
            [cx + dx * size - r, cy + dy * size - r, cx + dx * size + r, cy + dy * size + r],
            fill=colour,
        )
    c.draw.rectangle([cx - size * 1.2, cy, cx + size * 1.2, cy + size * 0.55], fill=colour)


def fair_clouds(c: Canvas, count: int) -> None:
    """A few white clouds in a clear day sky."""
    colour = c.lit(mix(c.sky[1], (255, 255, 255), 0.7))
    for _ in range(count):
        cloud(
            c,
            c.x(c.rng.uniform(0.05, 0.95)),
            c.y(c.rng.uniform(0.08, 0.3)),
            c.height * c.rng.uniform(0.04, 0.07),
            colour,
        )
