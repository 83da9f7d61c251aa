"""Rooms: a back wall with windows that show the time of day (and the weather), a floor,
and the furniture that says what the room is (a cafe's tables and lamps, a kitchen's
counter and stove, a library's shelves, a shop's counter, a classroom's blackboard, a
living room's sofa). Lamps are lit at dusk and night."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .canvas import RGB, WARM_LIGHT, Canvas, darker, mix
from .sky import draw_sky
from .weather import draw_weather

if TYPE_CHECKING:
    from PIL import Image

WALLS: dict[str, RGB] = {
    "cafe": (196, 150, 104),
    "kitchen": (226, 222, 200),
    "library": (120, 80, 56),
    "shop": (210, 196, 170),
    "classroom": (214, 206, 170),
    "room": (180, 170, 200),
}
WOOD: RGB = (120, 78, 46)
BOOKS: tuple[RGB, ...] = (
    (160, 40, 40),
    (40, 80, 140),
    (50, 120, 70),
    (200, 160, 60),
    (90, 60, 120),
)


def inside(c: Canvas, colour: RGB) -> RGB:
    """A surface in the room's own light: warm and a little dim after dark."""
    if c.time in ("night", "dusk"):
        return mix(colour, (70, 45, 30), 0.28)
    return colour


def draw_room(c: Canvas, image: Image.Image, kind: str, weather: set[str], city: bool) -> None:
    w, h = c.width, c.height
    c.ground_y = floor = int(h * c.rng.uniform(0.6, 0.64))
    wall = inside(c, WALLS[kind])
    c.draw.rectangle([0, 0, w, floor], fill=wall)
    c.draw.rectangle(
        [0, floor, w, h], fill=inside(c, (150, 110, 74) if kind != "kitchen" else (180, 175, 165))
    )
    for i in range(1, 9):  # floor boards or tiles, in perspective
        x = w * i / 9
        c.draw.line(
            [(w / 2 + (x - w / 2) * 0.6, floor), (w / 2 + (x - w / 2) * 1.6, h)],
            fill=inside(c, (120, 86, 56)),
            width=2,
        )
    c.draw.rectangle([0, floor - h * 0.012, w, floor], fill=darker(wall, 0.3))  # skirting
    windows = {"cafe": 2, "kitchen": 1, "library": 1, "shop": 1, "classroom": 2, "room": 1}[kind]
    slots = (
        [(0.2, 0.42), (0.6, 0.82)] if windows == 2 else [c.rng.choice([(0.18, 0.42), (0.58, 0.82)])]
    )
    if kind == "library":
        _shelves(c, 0, w, floor)
    for x0, x1 in slots:
        box = (int(w * x0), int(h * 0.1), int(w * x1), int(floor - h * 0.14))
        _window(c, image, box, weather, city)
    {
        "cafe": _cafe,
        "kitchen": _kitchen,
        "library": _library,
        "shop": _shop,
        "classroom": _classroom,
        "room": _living,
    }[kind](c, floor, slots)


def _window(
    c: Canvas, image: Image.Image, box: tuple[int, int, int, int], weather: set[str], city: bool
) -> None:
    x0, y0, x1, y1 = box
    x: float
    frame = inside(c, (236, 232, 220))
    pad = max(4, c.width // 160)
    c.draw.rectangle([x0 - pad, y0 - pad, x1 + pad, y1 + pad], fill=frame)
    draw_sky(c, image, box, overcast=bool(weather & {"storm", "rain"}), small=True)
    if city:  # rooftops across the street
        x = x0
        while x < x1:
            bw = (x1 - x0) * c.rng.uniform(0.15, 0.3)
            bh = (y1 - y0) * c.rng.uniform(0.2, 0.45)
            c.draw.rectangle([x, y1 - bh, min(x1, x + bw), y1], fill=c.lit((90, 86, 100)))
            if c.time in ("night", "dusk") and x + bw * 0.6 < x1:
                c.draw.rectangle(
                    [x + bw * 0.3, y1 - bh * 0.7, x + bw * 0.5, y1 - bh * 0.5], fill=WARM_LIGHT
                )
            x += bw + 2
    draw_weather(c, weather, box, foreground=True)
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    c.draw.line([(mid_x, y0), (mid_x, y1)], fill=frame, width=pad)
    c.draw.line([(x0, mid_y), (x1, mid_y)], fill=frame, width=pad)
    c.draw.rectangle([x0 - pad * 2, y1 + pad, x1 + pad * 2, y1 + pad * 3], fill=darker(frame, 0.2))


def _lamp(c: Canvas, x: float, y: float, size: float) -> None:
    c.draw.line([(x, 0), (x, y - size)], fill=(40, 35, 30), width=2)
    lit = c.time in ("night", "dusk")
    if lit:
        c.draw.ellipse(
            [x - size * 1.8, y - size * 0.6, x + size * 1.8, y + size * 2.2],
            fill=mix(WARM_LIGHT, (120, 80, 50), 0.55),
        )
    c.draw.pieslice([x - size, y - size, x + size, y + size], 180, 360, fill=(60, 50, 40))
    c.draw.ellipse(
        [x - size * 0.35, y - size * 0.1, x + size * 0.35, y + size * 0.5],
        fill=WARM_LIGHT if lit else (230, 220, 190),
    )


def _small_table(c: Canvas, x: float, floor_y: float, size: float) -> None:
    wood = inside(c, WOOD)
    c.draw.rectangle(
        [x - size * 0.05, floor_y - size * 0.7, x + size * 0.05, floor_y], fill=darker(wood)
    )
    c.draw.ellipse(
        [x - size * 0.5, floor_y - size * 0.8, x + size * 0.5, floor_y - size * 0.62], fill=wood
    )
    for side in (-1, 1):  # bistro chairs
        cx = x + side * size * 0.75
        c.draw.line([(cx, floor_y), (cx, floor_y - size * 0.45)], fill=(50, 40, 35), width=3)
        c.draw.line(
            [
                (cx - side * size * 0.2, floor_y - size * 0.45),
                (cx + side * size * 0.05, floor_y - size * 0.45),
            ],
            fill=(50, 40, 35),
            width=3,
        )
        c.draw.line(
            [
                (cx + side * size * 0.05, floor_y - size * 0.45),
                (cx + side * size * 0.08, floor_y - size * 0.95),
            ],
            fill=(50, 40, 35),
            width=3,
        )


def _cafe(c: Canvas, floor: int, slots: list[tuple[float, float]]) -> None:
    w, h = c.width, c.height
    c.draw.rectangle([0, floor - h * 0.2, w, floor], fill=inside(c, (110, 66, 40)))  # wainscot
    c.draw.rectangle([w * 0.44, h * 0.12, w * 0.56, h * 0.24], fill=(40, 44, 40))  # menu board
    for i in range(3):
        c.draw.line(
            [(w * 0.455, h * (0.15 + 0.03 * i)), (w * 0.545, h * (0.15 + 0.03 * i))],
            fill=(200, 200, 190),
            width=2,
        )
    for x in (0.1, 0.5, 0.9):
        _lamp(c, w * x, h * 0.3, h * 0.035)
    for x in (0.08, 0.92):
        _small_table(c, w * x, floor + h * 0.02, h * 0.2)


def _kitchen(c: Canvas, floor: int, slots: list[tuple[float, float]]) -> None:
    w, h = c.width, c.height
    tile = inside(c, (200, 210, 215))
    for i in range(0, 40):  # tiles behind the counter
        c.draw.line(
            [(w * i / 40, floor - h * 0.3), (w * i / 40, floor - h * 0.15)], fill=tile, width=1
        )
    counter_top = floor - h * 0.15
    c.draw.rectangle([0, counter_top, w, floor], fill=inside(c, (150, 110, 80)))
    c.draw.rectangle([0, counter_top - h * 0.015, w, counter_top], fill=inside(c, (90, 90, 95)))
    for i in range(8):  # cupboard doors
        x = w * i / 8
        c.draw.rectangle(
            [x + 6, counter_top + 8, x + w / 8 - 6, floor - 6],
            outline=inside(c, (100, 70, 50)),
            width=2,
        )
    sx = w * (0.5 if slots[0][0] > 0.5 else 0.62)
    c.draw.rectangle(
        [sx, counter_top - h * 0.01, sx + w * 0.12, counter_top], fill=(40, 40, 40)
    )  # hob
    c.draw.rectangle(
        [sx + w * 0.03, counter_top - h * 0.07, sx + w * 0.08, counter_top - h * 0.01],
        fill=inside(c, (170, 60, 50)),
    )  # pot
    fx = w * (0.86 if slots[0][0] < 0.5 else 0.06)
    c.draw.rounded_rectangle(
        [fx, floor - h * 0.5, fx + w * 0.09, floor], radius=8, fill=inside(c, (235, 238, 240))
    )  # fridge
    c.draw.line(
        [(fx + w * 0.015, floor - h * 0.42), (fx + w * 0.015, floor - h * 0.34)],
        fill=(120, 120, 120),
        width=3,
    )
    for k in range(3):  # shelf with jars
        c.draw.rectangle(
            [w * (0.05 + 0.05 * k), h * 0.2, w * (0.08 + 0.05 * k), h * 0.26],
            fill=inside(c, BOOKS[k]),
        )
    c.draw.rectangle([w * 0.03, h * 0.26, w * 0.2, h * 0.275], fill=inside(c, WOOD))


def _shelves(c: Canvas, x0: float, x1: float, floor: int) -> None:
    h = c.height
    wood = inside(c, darker(WOOD, 0.1))
    rows = 5
    for r in range(rows):
        y = h * 0.06 + (floor - h * 0.06) * r / rows
        shelf_h = (floor - h * 0.06) / rows
        x = x0
        while x < x1:
            bw = c.width * c.rng.uniform(0.008, 0.016)
            bh = shelf_h * c.rng.uniform(0.55, 0.85)
            c.draw.rectangle(
                [x, y + shelf_h - bh, x + bw, y + shelf_h - 4], fill=inside(c, c.rng.choice(BOOKS))
            )
            x += bw + 1
        c.draw.rectangle([x0, y + shelf_h - 4, x1, y + shelf_h + 2], fill=wood)


def _library(c: Canvas, floor: int, slots: list[tuple[float, float]]) -> None:
    w, h = c.width, c.height
    _lamp(c, w * 0.5, h * 0.28, h * 0.035)


def _shop(c: Canvas, floor: int, slots: list[tuple[float, float]]) -> None:
    w, h = c.width, c.height
    x0, x1 = (w * 0.5, w * 0.97) if slots[0][0] < 0.5 else (w * 0.03, w * 0.5)
    for r in range(4):  # shelves of goods
        y = h * (0.12 + 0.11 * r)
        c.draw.rectangle([x0, y, x1, y + h * 0.012], fill=inside(c, WOOD))
        x = x0 + 6
        while x < x1 - 20:
            gw = w * c.rng.uniform(0.015, 0.03)
            gh = h * c.rng.uniform(0.04, 0.08)
            c.draw.rounded_rectangle(
                [x, y - gh, x + gw, y], radius=3, fill=inside(c, c.rng.choice(BOOKS))
            )
            x += gw + 4
    c.draw.rectangle(
        [w * 0.3, floor - h * 0.14, w * 0.7, floor], fill=inside(c, (150, 100, 60))
    )  # counter
    c.draw.rectangle(
        [w * 0.28, floor - h * 0.155, w * 0.72, floor - h * 0.14], fill=inside(c, (90, 60, 40))
    )


def _classroom(c: Canvas, floor: int, slots: list[tuple[float, float]]) -> None:
    w, h = c.width, c.height
    c.draw.rectangle([w * 0.43, h * 0.12, w * 0.57, h * 0.4], fill=(40, 70, 55))
    c.draw.rectangle([w * 0.43, h * 0.4, w * 0.57, h * 0.415], fill=inside(c, WOOD))
    for k in range(3):  # chalk marks, not letters
        c.draw.line(
            [(w * 0.45, h * (0.17 + 0.06 * k)), (w * (0.5 + 0.02 * k), h * (0.17 + 0.06 * k))],
            fill=(220, 220, 210),
            width=2,
        )
    for x in (0.12, 0.88):
        c.draw.rectangle(
            [w * x - h * 0.1, floor - h * 0.1, w * x + h * 0.1, floor - h * 0.085],
            fill=inside(c, WOOD),
        )
        c.draw.rectangle(
            [w * x - h * 0.09, floor - h * 0.085, w * x - h * 0.08, floor + h * 0.02],
            fill=(60, 60, 60),
        )
        c.draw.rectangle(
            [w * x + h * 0.08, floor - h * 0.085, w * x + h * 0.09, floor + h * 0.02],
            fill=(60, 60, 60),
        )


def _living(c: Canvas, floor: int, slots: list[tuple[float, float]]) -> None:
    w, h = c.width, c.height
    for i in range(0, 24):  # wallpaper stripes
        c.draw.line(
            [(w * i / 24, 0), (w * i / 24, floor)],
            fill=inside(c, mix(WALLS["room"], (255, 255, 255), 0.15)),
            width=3,
        )
    for x0, x1 in slots:
        for side, cx in ((-1, x0), (1, x1)):  # curtains
            c.draw.rectangle(
                [
                    w * cx - (w * 0.04 if side < 0 else 0),
                    h * 0.07,
                    w * cx + (w * 0.04 if side > 0 else 0),
                    floor - h * 0.1,
                ],
                fill=inside(c, (150, 50, 60)),
            )
    px = w * (0.7 if slots[0][0] < 0.5 else 0.22)
    c.draw.rectangle(
        [px, h * 0.14, px + w * 0.1, h * 0.3], fill=inside(c, (160, 120, 60))
    )  # a picture
    c.draw.rectangle(
        [px + 8, h * 0.14 + 8, px + w * 0.1 - 8, h * 0.3 - 8], fill=inside(c, (110, 150, 170))
    )
    c.draw.polygon(
        [(px + 8, h * 0.3 - 8), (px + w * 0.05, h * 0.19), (px + w * 0.1 - 8, h * 0.3 - 8)],
        fill=inside(c, (80, 110, 80)),
    )
    sx = w * (0.04 if slots[0][0] > 0.5 else 0.8)  # sofa at the side
    sofa = inside(c, (90, 110, 150))
    c.draw.rounded_rectangle(
        [sx, floor - h * 0.16, sx + w * 0.16, floor + h * 0.04], radius=12, fill=sofa
    )
    c.draw.rounded_rectangle(
        [sx + 8, floor - h * 0.08, sx + w * 0.16 - 8, floor],
        radius=8,
        fill=mix(sofa, (255, 255, 255), 0.15),
    )
    c.draw.ellipse(
        [w * 0.25, floor + h * 0.1, w * 0.75, floor + h * 0.3], fill=inside(c, (160, 60, 60))
    )  # rug
