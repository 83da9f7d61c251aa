"""The land outside: the ground's colour and what stands on it, from the setting's words
(sea, beach, lake, river, forest, park, city, mountain, hill, desert, field, lighthouse).

`draw_land` sets `Canvas.water_y` when there is open water, so a whale or a boat sits in it,
and leaves the foreground (below about 72% of the frame) walkable when anyone stands there.
"""

from __future__ import annotations

from .canvas import RGB, WARM_LIGHT, Canvas, darker, mix
from .props import door

GRASS: RGB = (96, 146, 72)
SAND: RGB = (222, 198, 142)
SNOW: RGB = (236, 240, 248)
STONE: RGB = (128, 126, 122)
WATER: RGB = (40, 96, 150)
ICE: RGB = (190, 220, 235)


def ground_colour(kinds: set[str], snowy: bool) -> RGB:
    if snowy:
        return SNOW
    if kinds & {"desert", "beach"}:
        return SAND
    if "city" in kinds:
        return STONE
    if "field" in kinds:
        return (170, 170, 80)
    return GRASS


def draw_land(c: Canvas, kinds: set[str], *, snowy: bool, walkers: bool) -> None:
    """Everything between the horizon and the frame's foot, far to near."""
    w, h, gy = c.width, c.height, c.ground_y
    ground = ground_colour(kinds, snowy)
    if "mountain" in kinds:
        _mountains(c, snowy)
    if kinds & {"hill", "field", "park"} or not kinds:
        for _ in range(3):  # far rolling hills
            cx, rw, rh = c.rng.uniform(-0.1, 1.1) * w, c.rng.uniform(0.3, 0.6) * w, h * 0.12
            c.draw.ellipse(
                [cx - rw, gy - rh, cx + rw, gy + rh], fill=c.lit(mix(ground, (60, 90, 120), 0.35))
            )
    water = bool(kinds & {"sea", "beach"})
    c.draw.rectangle([0, gy, w, h], fill=c.lit(ground))
    if water:
        c.water_y = gy
        shore = int(h * 0.74) if walkers or "beach" in kinds else h
        _sea(c, gy, shore)
        if shore < h:
            c.draw.rectangle(
                [0, shore, w, h], fill=c.lit(SAND if "beach" in kinds else mix(STONE, ground, 0.4))
            )
            c.draw.line(
                [(0, shore), (w, shore)], fill=c.lit((235, 240, 240)), width=max(2, h // 150)
            )
    elif "lake" in kinds:
        _lake(c, frozen="frozen" in kinds)
    elif "frozen" in kinds:
        _lake(c, frozen=True)
    if "river" in kinds:
        _river(c)
    if "desert" in kinds:
        _dunes(c)
    if "field" in kinds:
        for i in range(8):
            y = gy + (h - gy) * (i + 0.5) / 8
            c.draw.line(
                [(0, y), (w, y + h * 0.02)], fill=c.lit(mix(ground, (120, 110, 40), 0.4)), width=2
            )
    if "hill" in kinds:  # the near hill the characters stand on
        c.draw.ellipse(
            [-0.2 * w, gy + h * 0.08, 1.2 * w, gy + h * 0.9],
            fill=c.lit(mix(ground, (140, 190, 90), 0.3)),
        )
    if "city" in kinds:
        _city(c)
    if "forest" in kinds:
        _forest(c, dense=True, snowy=snowy)
    elif "park" in kinds:
        _forest(c, dense=False, snowy=snowy)
    if "lighthouse" in kinds:
        _lighthouse(c)
    if "house" in kinds:  # a cottage at one side, on the horizon
        side = c.rng.choice((0.14, 0.86))
        door(c, side * w, gy + h * 0.05, h * 0.3, outside=True)


def _mountains(c: Canvas, snowy: bool) -> None:
    rock = c.lit((110, 112, 132))
    for _ in range(4):
        base = c.rng.uniform(-0.15, 0.85) * c.width
        w, h = c.rng.uniform(0.3, 0.55) * c.width, c.rng.uniform(0.22, 0.36) * c.height
        peak = (base + w / 2, c.ground_y - h)
        c.draw.polygon([(base, c.ground_y), peak, (base + w, c.ground_y)], fill=rock)
        cap = 0.45 if snowy else 0.22
        c.draw.polygon(
            [
                peak,
                (peak[0] - w / 2 * cap, peak[1] + h * cap),
                (peak[0] - w * 0.06 * cap, peak[1] + h * cap * 0.8),
                (peak[0] + w * 0.1 * cap, peak[1] + h * cap),
                (peak[0] + w / 2 * cap, peak[1] + h * cap),
            ],
            fill=c.lit(SNOW),
        )


def _sea(c: Canvas, top: int, bottom: int) -> None:
    sea = c.lit(mix(WATER, c.sky[0], 0.25))
    c.draw.rectangle([0, top, c.width, bottom], fill=sea)
    crest = mix(sea, (230, 240, 250), 0.35)
    for i in range(16):
        y = top + (bottom - top) * (i + c.rng.random()) / 16
        x0 = c.rng.uniform(-0.1, 1.0) * c.width
        span = c.width * (0.04 + 0.12 * (y - top) / max(1, bottom - top))
        c.draw.arc([x0, y - 6, x0 + span, y + 6], 200, 340, fill=crest, width=2)


def _lake(c: Canvas, frozen: bool) -> None:
    gy, w, h = c.ground_y, c.width, c.height
    colour = c.lit(ICE if frozen else WATER)
    box = [w * 0.05, gy + h * 0.03, w * 0.95, gy + h * 0.2]
    if not frozen:
        c.water_y = int(box[1])
    c.draw.ellipse(box, fill=colour)
    shine = mix(colour, (255, 255, 255), 0.5)
    for _ in range(6):
        x = c.rng.uniform(0.15, 0.8) * w
        y = c.rng.uniform(box[1] + 10, box[3] - 10)
        c.draw.line([(x, y), (x + w * 0.08, y - (6 if frozen else 0))], fill=shine, width=2)


def _river(c: Canvas) -> None:
    gy, w, h = c.ground_y, c.width, c.height
    x = c.rng.uniform(0.3, 0.7) * w
    left, right = [], []
    steps = 8
    for i in range(steps + 1):
        t = i / steps
        y = gy + (h - gy) * t
        half = w * (0.01 + 0.12 * t)
        x += c.rng.uniform(-0.05, 0.05) * w
        left.append((x - half, y))
        right.append((x + half, y))
    c.draw.polygon(left + right[::-1], fill=c.lit(mix(WATER, (120, 170, 200), 0.3)))


def _dunes(c: Canvas) -> None:
    for _ in range(3):
        cx, rw = c.rng.uniform(0, 1) * c.width, c.rng.uniform(0.2, 0.4) * c.width
        c.draw.ellipse(
            [cx - rw, c.ground_y - c.height * 0.05, cx + rw, c.ground_y + c.height * 0.12],
            fill=c.lit(mix(SAND, (200, 150, 90), 0.3)),
        )
    for _ in range(2):  # cacti
        x, y, s = c.rng.uniform(0.08, 0.92) * c.width, c.ground_y + c.height * 0.06, c.height * 0.09
        green = c.lit((70, 130, 70))
        c.draw.rounded_rectangle(
            [x - s * 0.12, y - s, x + s * 0.12, y], radius=int(s * 0.1), fill=green
        )
        c.draw.rounded_rectangle(
            [x - s * 0.45, y - s * 0.7, x - s * 0.3, y - s * 0.35], radius=int(s * 0.07), fill=green
        )
        c.draw.rectangle([x - s * 0.45, y - s * 0.42, x, y - s * 0.32], fill=green)


def _city(c: Canvas) -> None:
    gy, w, h = c.ground_y, c.width, c.height
    x = -c.rng.uniform(0, 0.05) * w
    wall = c.lit((150, 140, 150))
    lit = c.time in ("night", "dusk")
    while x < w:
        bw, bh = c.rng.uniform(0.06, 0.13) * w, c.rng.uniform(0.14, 0.36) * h
        shade = mix(wall, (90, 80, 100), c.rng.random() * 0.5)
        c.draw.rectangle([x, gy - bh, x + bw, gy], fill=shade)
        c.draw.polygon(
            [(x - 4, gy - bh), (x + bw / 2, gy - bh - bw * 0.25), (x + bw + 4, gy - bh)],
            fill=darker(shade),
        )
        cols, rows = max(1, int(bw // (w * 0.025))), max(1, int(bh // (h * 0.06)))
        for i in range(cols):
            for j in range(rows):
                wx = x + bw * (i + 0.3) / cols
                wy = gy - bh + bh * (j + 0.25) / rows
                on = lit and c.rng.random() < 0.6
                pane = WARM_LIGHT if on else c.lit((70, 80, 100))
                c.draw.rectangle([wx, wy, wx + w * 0.011, wy + h * 0.025], fill=pane)
        x += bw + c.rng.uniform(0.0, 0.02) * w
    c.draw.rectangle([0, gy, w, gy + h * 0.03], fill=c.lit((110, 110, 115)))  # pavement
    if lit:
        for k in range(3):  # street lamps
            lx = w * (0.12 + 0.38 * k) + c.rng.uniform(-0.03, 0.03) * w
            c.draw.line(
                [(lx, gy + h * 0.03), (lx, gy - h * 0.16)],
                fill=(40, 40, 45),
                width=max(2, w // 320),
            )
            c.draw.ellipse([lx - 8, gy - h * 0.16 - 8, lx + 8, gy - h * 0.16 + 8], fill=WARM_LIGHT)


def _forest(c: Canvas, dense: bool, snowy: bool) -> None:
    gy, w, h = c.ground_y, c.width, c.height
    rows = ((0.0, 0.16, 16), (0.03, 0.26, 10)) if dense else ((0.02, 0.14, 5),)
    for base, size, count in rows:
        green = c.lit(mix((30, 90, 50), (10, 40, 30), base * 8))
        for _ in range(count):
            x = c.rng.uniform(0, 1) * w
            foot = gy + h * base + c.rng.uniform(0, 0.02) * h
            th = h * (size + c.rng.uniform(0, 0.08))
            c.draw.rectangle(
                [x - th * 0.04, foot - th * 0.25, x + th * 0.04, foot], fill=c.lit((80, 55, 35))
            )
            if dense:  # pines
                for tier in range(3):
                    top = foot - th * (1 - tier * 0.22)
                    half = th * (0.16 + tier * 0.07)
                    bottom = foot - th * (0.55 - tier * 0.2)
                    c.draw.polygon([(x, top), (x - half, bottom), (x + half, bottom)], fill=green)
                    if snowy:
                        c.draw.polygon(
                            [
                                (x, top),
                                (x - half * 0.35, top + (bottom - top) * 0.35),
                                (x + half * 0.35, top + (bottom - top) * 0.35),
                            ],
                            fill=c.lit(SNOW),
                        )
            else:  # round trees
                r = th * 0.32
                c.draw.ellipse(
                    [x - r, foot - th, x + r, foot - th + 2 * r],
                    fill=mix(green, (90, 160, 70), 0.3),
                )
    if not dense:  # a path
        c.draw.polygon(
            [(w * 0.45, gy), (w * 0.55, gy), (w * 0.8, h), (w * 0.2, h)],
            fill=c.lit((190, 170, 130)),
        )


def _lighthouse(c: Canvas) -> None:
    gy, w, h = c.ground_y, c.width, c.height
    side = c.rng.choice((0.12, 0.86))
    tx, th, tw = side * w, 0.46 * h, 0.035 * w
    base = gy + h * 0.02
    c.draw.polygon(
        [
            (tx - tw * 1.8, base + 6),
            (tx - tw * 1.2, base - h * 0.03),
            (tx + tw * 1.2, base - h * 0.03),
            (tx + tw * 1.8, base + 6),
        ],
        fill=c.lit((90, 90, 95)),
    )
    c.draw.polygon(
        [(tx - tw, base), (tx - tw * 0.6, base - th), (tx + tw * 0.6, base - th), (tx + tw, base)],
        fill=c.lit((232, 232, 226)),
    )
    for k in range(1, 4):
        band = base - th * k / 4
        c.draw.rectangle(
            [tx - tw * (1 - 0.1 * k), band - h * 0.014, tx + tw * (1 - 0.1 * k), band + h * 0.014],
            fill=c.lit((175, 40, 40)),
        )
    top = base - th
    c.draw.rectangle([tx - tw * 0.55, top - h * 0.05, tx + tw * 0.55, top], fill=WARM_LIGHT)
    c.draw.polygon(
        [(tx - tw * 0.75, top - h * 0.05), (tx, top - h * 0.09), (tx + tw * 0.75, top - h * 0.05)],
        fill=c.lit((60, 60, 70)),
    )
    if c.time in ("night", "dusk"):
        away = -1 if side > 0.5 else 1
        beam = mix(c.sky[0], WARM_LIGHT, 0.3)
        c.draw.polygon(
            [
                (tx, top - h * 0.025),
                (tx + away * w * 0.7, top - h * 0.16),
                (tx + away * w * 0.7, top + h * 0.07),
            ],
            fill=beam,
        )
        c.draw.rectangle([tx - tw * 0.55, top - h * 0.05, tx + tw * 0.55, top], fill=WARM_LIGHT)
    c.marks["lighthouse"] = (tx, top)
