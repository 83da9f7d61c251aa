"""Where the cast stands and what the shot shows: the speaker nearer and on a third, the
others further back, facing each other; water creatures in the free stretch of water; and
the shot size (wide, medium, close) that crops the drawn frame."""

from __future__ import annotations

from dataclasses import dataclass

from .canvas import Canvas, Drawn, Point
from .creatures import SIZE
from .reading import Cast, Reading

SHOT_SIZES = (1.35, 1.0, 1.7)  # keyframes after the first: medium, wide, close


@dataclass
class Placed:
    cast: Cast
    x: float
    feet: float
    unit: float  # a person's height at this depth, px
    facing: int
    near: bool
    drawn: Drawn | None = None
    seated: bool = False
    chair: bool = True  # seated on a chair; else astride (a horse, a bike)
    mount: Placed | None = None  # the horse they ride


def free_x(taken: list[float], half: float) -> float:
    """The spot (fraction of the width) farthest from those taken, keeping `half` a width
    (a fraction) inside the frame."""
    spots = [0.5, 0.36, 0.64, 0.24, 0.76]
    best = max(spots, key=lambda x: min((abs(x - t) for t in taken), default=1.0))
    return min(max(best, half), 1 - half)


def layout(c: Canvas, r: Reading) -> list[Placed]:
    """Characters on land (and in the air) spread across the frame, the speaker nearer and
    on a third; creatures of the water in the free stretch of water behind them."""
    landed = [m for m in r.cast if m.lives != "water"]
    n, h = len(landed), c.height
    speaker = next((i for i, m in enumerate(landed) if r.speaker and m.id == r.speaker), None)
    if n == 1:
        xs = [c.rng.choice((0.4, 0.6))]
    elif n == 2:
        xs = [0.34, 0.72] if speaker == 0 else [0.28, 0.66]
    else:
        xs = [0.16 + 0.68 * i / max(1, n - 1) for i in range(n)]
    placed = []
    for i, (member, xf) in enumerate(zip(landed, xs, strict=True)):
        xf += c.rng.uniform(-0.02, 0.02)
        if speaker is None:
            near, feet, unit = False, 0.84, 0.46
        elif i == speaker:
            near, feet, unit = True, 0.87, 0.52
        else:
            near, feet, unit = False, 0.8, 0.4
        facing = 1 if xf < 0.5 else -1
        if n == 2:
            facing = 1 if i == 0 else -1
        placed.append(Placed(member, xf * c.width, feet * h, unit * h, facing, near))
    for member in r.cast:
        if member.lives == "water":
            taken = [p.x / c.width for p in placed]
            half = min(0.3, SIZE[member.kind][0] * (0.36 if placed else 0.46) * h * 0.7 / c.width)
            xf = free_x(taken, half) + c.rng.uniform(-0.02, 0.02)
            near = bool(r.speaker) and member.id == r.speaker
            facing = -1 if taken and sum(taken) / len(taken) < xf else 1
            unit = (0.36 if placed else 0.5 if near else 0.46) * h  # behind people: further off
            placed.append(Placed(member, xf * c.width, 0.8 * h, unit, facing, near))
    return placed


@dataclass(frozen=True)
class Shot:
    """The part of the drawn frame the keyframe shows: a crop at `zoom` from (x0, y0)."""

    zoom: float
    x0: float
    y0: float

    def map(self, point: Point) -> Point:
        return ((point[0] - self.x0) * self.zoom, (point[1] - self.y0) * self.zoom)


def shot_for(
    keyframe: int | None,
    placed: list[Placed],
    width: int,
    height: int,
    keep: list[Point],
    landmarks: list[Point] | None = None,
) -> Shot:
    """The shot size: the first keyframe is wide (it sets the scene), the next ones cycle
    through medium, wide and close, so consecutive keyframes are framed differently (as an
    editor cuts between shot sizes). A close shot frames the speaker, a medium one all the
    characters and the `landmarks` (a lighthouse), zoomed no further than keeps them and the
    points of `keep` (a kite) in."""
    zoom = 1.0 if not keyframe else SHOT_SIZES[(keyframe - 1) % len(SHOT_SIZES)]
    if zoom == 1.0 or not placed:
        return Shot(1.0, 0.0, 0.0)
    focus = next((p for p in placed if p.near), None)
    close = zoom >= max(SHOT_SIZES)
    # a close shot holds the speaker; a medium one everyone (a two-shot), and the landmark
    group = [focus] if focus and close else placed
    keep = keep if close else [*keep, *(landmarks or [])]
    boxes = [p.drawn.box if p.drawn else (p.x, p.feet - p.unit, p.x, p.feet) for p in group]
    xs = [x for b in boxes for x in (b[0], b[2])] + [x for x, _ in keep]
    ys = [y for b in boxes for y in (b[1], b[3])] + [y for _, y in keep]
    if len(group) == 1 and not keep:  # one figure: head room above, the feet may go
        fx, fy = (xs[0] + xs[1]) / 2, boxes[0][1] * 0.6 + boxes[0][3] * 0.4
    else:
        span = max((max(xs) - min(xs)) / width, (max(ys) - min(ys)) / height)
        zoom = max(1.0, min(zoom, 0.92 / max(span, 1e-6)))
        fx, fy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    cw, ch = width / zoom, height / zoom
    x0 = min(max(fx - cw / 2, 0.0), width - cw)
    y0 = min(max(fy - ch / 2, 0.0), height - ch)
    return Shot(zoom, x0, y0)
