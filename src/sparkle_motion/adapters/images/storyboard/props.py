"""Props named in a keyframe's prompt, drawn near the characters: a table (with a
chessboard for chess), a bike, a kite in the sky on a string from a hand, a car, a boat
on the water, a door, an umbrella held over a head, a guitar, a book, a lantern, a ball.

Standing props take a ground position (`x`, `feet`) and the size of a person there
(`unit`); held props take the figure that holds them."""

from __future__ import annotations

from .canvas import RGB, WARM_LIGHT, Canvas, Drawn, Point, darker, mix

WOOD: RGB = (128, 84, 50)
# where each prop goes: on the ground beside someone, held, in the sky, on the water
PLACE: dict[str, str] = {
    "chess": "between",
    "table": "between",
    "bike": "beside",
    "car": "beside",
    "door": "behind",
    "boat": "water",
    "paper_boat": "held",
    "kite": "sky",
    "umbrella": "held",
    "guitar": "held",
    "book": "held",
    "lantern": "held",
    "ball": "front",
    "piano": "behind",
}


def table(c: Canvas, x: float, feet: float, unit: float, *, chess: bool) -> Point:
    """A table about hip high; a chessboard with a few pieces on it for chess. Returns the
    middle of its top."""
    half, top = unit * 0.32, feet - unit * 0.42
    wood = c.lit(WOOD)
    for dx in (-0.8, 0.8):
        c.draw.rectangle(
            [x + dx * half - unit * 0.02, top, x + dx * half + unit * 0.02, feet],
            fill=darker(wood, 0.25),
        )
    c.draw.rectangle([x - half, top - unit * 0.035, x + half, top], fill=wood)
    c.draw.rectangle([x - half, top, x + half, top + unit * 0.03], fill=darker(wood, 0.15))
    if chess:
        n, cell_w, cell_h = 8, half * 1.1 / 8, unit * 0.2 / 8
        left, board_top = x - half * 0.55, top - unit * 0.035 - unit * 0.2
        # a board tilted toward the camera: rows get wider as they come nearer
        for r in range(n):
            y0, y1 = board_top + r * cell_h, board_top + (r + 1) * cell_h
            skew0, skew1 = (n - r) * cell_w * 0.06, (n - r - 1) * cell_w * 0.06
            for k in range(n):
                colour = (240, 235, 220) if (r + k) % 2 == 0 else (40, 36, 34)
                c.draw.polygon(
                    [
                        (left + skew0 + k * (cell_w - skew0 * 2 / n), y0),
                        (left + skew0 + (k + 1) * (cell_w - skew0 * 2 / n), y0),
                        (left + skew1 + (k + 1) * (cell_w - skew1 * 2 / n), y1),
                        (left + skew1 + k * (cell_w - skew1 * 2 / n), y1),
                    ],
                    fill=colour,
                )
        for k, (col, row) in enumerate(((1, 1), (5, 2), (3, 6), (6, 5))):
            px, py = left + (col + 0.5) * cell_w, board_top + (row + 0.5) * cell_h
            colour = (250, 248, 240) if k % 2 == 0 else (20, 18, 18)
            c.draw.rectangle(
                [px - cell_w * 0.25, py - cell_h * 2.2, px + cell_w * 0.25, py],
                fill=colour,
                outline=(120, 110, 100),
            )
            c.draw.ellipse(
                [px - cell_w * 0.3, py - cell_h * 3.0, px + cell_w * 0.3, py - cell_h * 1.9],
                fill=colour,
                outline=(120, 110, 100),
            )
        top = board_top
    return (x, top)


def bike(c: Canvas, x: float, feet: float, unit: float, facing: int) -> Point:
    """A bicycle; returns its pedal: a rider sits with their feet there (the saddle is a
    sitting person's knee height above it)."""
    r = unit * 0.17
    colour, tyre = (200, 40, 50), (30, 30, 30)
    back, front = (x - facing * r * 1.6, feet - r), (x + facing * r * 1.6, feet - r)
    width = max(2, int(unit * 0.02))
    for cx, cy in (back, front):
        c.draw.ellipse(
            [cx - r, cy - r, cx + r, cy + r], outline=tyre, width=max(3, int(unit * 0.025))
        )
        c.draw.ellipse([cx - 3, cy - 3, cx + 3, cy + 3], fill=tyre)
    pedal = (x, feet - r)
    seat = (x - facing * r * 0.5, feet - r * 2.6)
    bar = (x + facing * r * 1.2, feet - r * 2.9)
    c.draw.line(
        [back, pedal, (bar[0] - facing * r * 0.1, feet - r * 2.3), seat, back],
        fill=colour,
        width=width,
        joint="curve",
    )
    c.draw.line([pedal, seat], fill=colour, width=width)
    c.draw.line([front, bar], fill=colour, width=width)
    c.draw.line(
        [(bar[0] - facing * r * 0.3, bar[1]), (bar[0] + facing * r * 0.2, bar[1])],
        fill=tyre,
        width=width,
    )
    c.draw.line(
        [(seat[0] - r * 0.3, seat[1]), (seat[0] + r * 0.3, seat[1])], fill=tyre, width=width + 2
    )
    return (seat[0], pedal[1])


def kite(c: Canvas, at: Point, hand: Point | None, unit: float, colour: RGB) -> None:
    """A diamond kite at `at` with a bowed tail, on a string to `hand`."""
    kx, ky = at
    s = unit * 0.16
    c.marks["kite"] = (kx, ky - s)
    if hand is not None:
        mid = ((kx + hand[0]) / 2, (ky + hand[1]) / 2 + unit * 0.12)
        c.draw.line([hand, mid, (kx, ky + s)], fill=(235, 235, 235), width=1, joint="curve")
    c.draw.polygon(
        [(kx, ky - s), (kx + s * 0.7, ky), (kx, ky + s * 1.3), (kx - s * 0.7, ky)], fill=colour
    )
    c.draw.polygon(
        [(kx, ky - s), (kx + s * 0.7, ky), (kx, ky)], fill=mix(colour, (255, 255, 255), 0.4)
    )
    c.draw.polygon([(kx, ky + s * 1.3), (kx - s * 0.7, ky), (kx, ky)], fill=darker(colour, 0.25))
    tail = [(kx, ky + s * 1.3)]
    for k in range(1, 5):
        tail.append((kx + (-1) ** k * s * 0.3, ky + s * (1.3 + 0.55 * k)))
    c.draw.line(tail, fill=(240, 240, 240), width=2)
    for px, py in tail[1:]:
        c.draw.polygon(
            [(px - 6, py - 4), (px + 6, py + 4), (px + 6, py - 4), (px - 6, py + 4)],
            fill=(240, 70, 70),
        )


def car(c: Canvas, x: float, feet: float, unit: float, facing: int) -> None:
    length, body = unit * 0.9, c.lit((40, 110, 190))
    left = x - length / 2
    c.draw.rounded_rectangle(
        [left, feet - unit * 0.3, left + length, feet - unit * 0.1],
        radius=int(unit * 0.05),
        fill=body,
    )
    cab_l = left + length * (0.22 if facing > 0 else 0.3)
    c.draw.polygon(
        [
            (cab_l, feet - unit * 0.3),
            (cab_l + length * 0.1, feet - unit * 0.46),
            (cab_l + length * 0.38, feet - unit * 0.46),
            (cab_l + length * 0.48, feet - unit * 0.3),
        ],
        fill=body,
    )
    glass = WARM_LIGHT if c.night else c.lit((180, 215, 235))
    c.draw.polygon(
        [
            (cab_l + length * 0.05, feet - unit * 0.31),
            (cab_l + length * 0.12, feet - unit * 0.43),
            (cab_l + length * 0.36, feet - unit * 0.43),
            (cab_l + length * 0.43, feet - unit * 0.31),
        ],
        fill=glass,
    )
    front = left + length if facing > 0 else left
    c.draw.ellipse(
        [front - 10, feet - unit * 0.26, front + 10, feet - unit * 0.2], fill=(255, 240, 170)
    )
    for wx in (left + length * 0.2, left + length * 0.8):
        r = unit * 0.08
        c.draw.ellipse([wx - r, feet - r * 2, wx + r, feet], fill=(25, 25, 25))
        c.draw.ellipse(
            [wx - r * 0.4, feet - r * 1.4, wx + r * 0.4, feet - r * 0.6], fill=(170, 170, 170)
        )


def boat(c: Canvas, x: float, water: float, unit: float, facing: int, *, rough: bool) -> Point:
    """A small sailing boat riding the water line at `water`; tilted in rough water.
    Returns where someone aboard would stand."""
    length = unit * 1.5
    tilt = unit * (0.08 if rough else 0.0) * facing
    hull = c.lit((150, 60, 40))
    bow, stern = x + facing * length / 2, x - facing * length / 2
    c.draw.polygon(
        [
            (stern, water - unit * 0.16 + tilt),
            (bow + facing * unit * 0.08, water - unit * 0.2 - tilt),
            (bow - facing * unit * 0.05, water + unit * 0.02 - tilt),
            (stern + facing * unit * 0.08, water + unit * 0.03 + tilt),
        ],
        fill=hull,
    )
    c.draw.line(
        [
            (stern, water - unit * 0.16 + tilt),
            (bow + facing * unit * 0.08, water - unit * 0.2 - tilt),
        ],
        fill=c.lit((235, 225, 200)),
        width=max(2, int(unit * 0.02)),
    )
    mast_x = x - facing * length * 0.05
    mast_top = (mast_x + tilt * 1.5, water - unit * 1.05)
    c.draw.line(
        [(mast_x, water - unit * 0.17), mast_top],
        fill=c.lit((90, 60, 40)),
        width=max(2, int(unit * 0.02)),
    )
    c.draw.polygon(
        [
            (mast_top[0] + facing * 3, mast_top[1] + 4),
            (mast_x + facing * length * 0.42, water - unit * 0.24),
            (mast_x + facing * 3, water - unit * 0.24),
        ],
        fill=c.lit((240, 236, 220)),
    )
    c.draw.polygon(
        [
            (mast_top[0] - facing * 3, mast_top[1] + unit * 0.1),
            (mast_x - facing * length * 0.32, water - unit * 0.24),
            (mast_x - facing * 3, water - unit * 0.24),
        ],
        fill=c.lit((220, 214, 196)),
    )
    wave = c.lit((200, 222, 235))
    for k in range(4):
        wx = x + (k - 1.5) * length * 0.33
        c.draw.arc(
            [wx - length * 0.2, water - unit * 0.04, wx + length * 0.2, water + unit * 0.08],
            200,
            340,
            fill=wave,
            width=max(2, int(unit * 0.015)),
        )
    return (x - facing * length * 0.25, water - unit * 0.15)


def door(c: Canvas, x: float, feet: float, unit: float, *, outside: bool) -> None:
    """A door in a wall; outside, the front of a small house around it."""
    w, h = unit * 0.36, unit * 0.82
    if outside:
        wall, roof = c.lit((200, 180, 150)), c.lit((150, 60, 50))
        c.draw.rectangle([x - w * 1.6, feet - h * 1.35, x + w * 1.6, feet], fill=wall)
        c.draw.polygon(
            [(x - w * 1.9, feet - h * 1.35), (x, feet - h * 1.9), (x + w * 1.9, feet - h * 1.35)],
            fill=roof,
        )
        pane = WARM_LIGHT if c.time in ("night", "dusk") else c.lit((150, 190, 215))
        c.draw.rectangle([x + w * 0.75, feet - h * 0.95, x + w * 1.35, feet - h * 0.55], fill=pane)
    c.draw.rectangle(
        [x - w / 2 - 6, feet - h - 6, x + w / 2 + 6, feet], fill=c.lit((230, 225, 210))
    )
    c.draw.rectangle([x - w / 2, feet - h, x + w / 2, feet], fill=c.lit((110, 60, 40)))
    for k in range(2):
        c.draw.rectangle(
            [x - w * 0.35, feet - h * (0.9 - k * 0.45), x + w * 0.35, feet - h * (0.55 - k * 0.45)],
            outline=c.lit((80, 42, 28)),
            width=2,
        )
    c.draw.ellipse(
        [x + w * 0.28, feet - h * 0.5, x + w * 0.38, feet - h * 0.44], fill=(220, 190, 80)
    )


def piano(c: Canvas, x: float, feet: float, unit: float) -> None:
    """An upright piano against the wall, keys toward the room."""
    w, h = unit * 0.7, unit * 0.62
    wood = c.lit((60, 36, 28))
    c.draw.rectangle([x - w / 2, feet - h, x + w / 2, feet], fill=wood)
    c.draw.rectangle([x - w / 2 - 4, feet - h - 6, x + w / 2 + 4, feet - h], fill=darker(wood, 0.3))
    keys_y = feet - h * 0.42
    c.draw.rectangle([x - w / 2, keys_y, x + w / 2, keys_y + h * 0.08], fill=c.lit((246, 244, 236)))
    for k in range(1, 14):
        kx = x - w / 2 + w * k / 14
        if k % 7 not in (0, 3):
            c.draw.rectangle(
                [kx - w * 0.012, keys_y, kx + w * 0.012, keys_y + h * 0.05], fill=(20, 20, 20)
            )
    c.draw.rectangle(
        [x - w * 0.35, feet - h * 0.9, x + w * 0.35, feet - h * 0.6], fill=darker(wood, 0.15)
    )


def umbrella(c: Canvas, who: Drawn, unit: float, colour: RGB) -> None:
    hx, hy = who.hand
    top = who.top[1] - unit * 0.08
    r = unit * 0.32
    cx = (hx + who.top[0]) / 2
    c.draw.line([(hx, hy), (cx, top)], fill=(50, 40, 35), width=max(2, int(unit * 0.015)))
    c.draw.pieslice([cx - r, top - r * 0.7, cx + r, top + r * 0.7], 180, 360, fill=colour)
    for k in range(1, 4):
        c.draw.line(
            [(cx, top - r * 0.7), (cx - r + k * r / 2, top)], fill=darker(colour, 0.3), width=2
        )


def guitar(c: Canvas, who: Drawn, unit: float, facing: int) -> None:
    hx, hy = who.hand
    body = (190, 120, 50)
    bx, by = hx - facing * unit * 0.06, hy + unit * 0.06
    c.draw.line(
        [(bx, by), (bx + facing * unit * 0.32, by - unit * 0.2)],
        fill=(70, 45, 30),
        width=max(3, int(unit * 0.025)),
    )
    c.draw.ellipse(
        [bx - unit * 0.1, by - unit * 0.07, bx + unit * 0.1, by + unit * 0.09], fill=body
    )
    c.draw.ellipse(
        [bx - unit * 0.02, by - unit * 0.02, bx + unit * 0.02, by + unit * 0.02], fill=(40, 30, 20)
    )


def book(c: Canvas, who: Drawn, unit: float) -> None:
    hx, hy = who.hand
    s = unit * 0.07
    c.draw.polygon(
        [
            (hx - s, hy - s),
            (hx, hy - s * 0.8),
            (hx + s, hy - s),
            (hx + s, hy + s * 0.4),
            (hx, hy + s * 0.6),
            (hx - s, hy + s * 0.4),
        ],
        fill=(245, 240, 225),
        outline=(150, 40, 40),
        width=2,
    )
    c.draw.line([(hx, hy - s * 0.8), (hx, hy + s * 0.6)], fill=(150, 40, 40), width=2)


def lantern(c: Canvas, who: Drawn, unit: float) -> None:
    hx, hy = who.hand
    s = unit * 0.05
    c.draw.line([(hx, hy), (hx, hy + s)], fill=(40, 40, 40), width=2)
    c.draw.rectangle(
        [hx - s * 0.8, hy + s, hx + s * 0.8, hy + s * 3],
        fill=WARM_LIGHT,
        outline=(50, 45, 40),
        width=2,
    )
    c.draw.rectangle([hx - s, hy + s * 0.8, hx + s, hy + s * 1.1], fill=(50, 45, 40))


def paper_boat(c: Canvas, who: Drawn, unit: float) -> None:
    """A folded paper boat in the hand."""
    hx, hy = who.hand
    s = unit * 0.06
    paper = (246, 244, 236)
    c.draw.polygon(
        [
            (hx - s * 1.6, hy - s * 0.2),
            (hx + s * 1.6, hy - s * 0.2),
            (hx + s, hy + s * 0.6),
            (hx - s, hy + s * 0.6),
        ],
        fill=paper,
        outline=(150, 150, 150),
    )
    c.draw.polygon(
        [(hx - s * 0.8, hy - s * 0.2), (hx, hy - s * 1.5), (hx + s * 0.8, hy - s * 0.2)],
        fill=mix(paper, (180, 180, 170), 0.3),
        outline=(150, 150, 150),
    )


def ball(c: Canvas, x: float, feet: float, unit: float) -> None:
    r = unit * 0.07
    c.draw.ellipse([x - r, feet - r * 2, x + r, feet], fill=(235, 80, 60))
    c.draw.arc(
        [x - r, feet - r * 2, x + r, feet],
        200,
        340,
        fill=(255, 255, 255),
        width=max(2, int(r * 0.25)),
    )
