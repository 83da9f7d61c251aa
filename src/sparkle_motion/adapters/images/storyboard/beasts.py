"""More animals, from a few shapes with parts that tell them apart: four-legged beasts
(bear, goat, sheep, cow, pig, deer, camel, elephant, mouse, squirrel, raccoon, badger,
hedgehog, wolf), small ones (rabbit, frog, turtle, snail, crab, spider, snake, lizard, a
seal or otter lying down), flyers (bee, butterfly) and upright figures that are not
people (monkey, alien, monster, yeti). Each is drawn at `base` (its feet on the ground;
a flyer's middle), `unit` the height of a person at its depth, facing `facing`, with the
character's colour as an accent (a collar, a band)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .canvas import RGB, Canvas, Drawn, darker, mix
from .shapes import Frame, eye


@dataclass(frozen=True)
class Beast:
    """A four-legged animal: its height beside a person, coat, legs, body length and leg
    length (in units of half its height), and its parts."""

    size: float
    coat: RGB
    legs: RGB
    length: float
    leg: float
    head: str = "round"  # round, long, snout (a pig's), trunk
    ears: str = "round"  # round, pointed, long, floppy, horns, antlers, none
    tail: str = "thin"  # thin, bushy, curly, stub, long
    marks: str = ""  # patches, wool, mask, stripe, hump, spines


BEASTS: dict[str, Beast] = {
    "bear": Beast(0.75, (112, 74, 44), (92, 60, 36), 2.0, 0.55, ears="round", tail="stub"),
    "wolf": Beast(0.46, (128, 128, 136), (100, 100, 108), 1.9, 0.7, ears="pointed", tail="bushy"),
    "goat": Beast(0.5, (214, 204, 184), (150, 140, 120), 1.6, 0.8, "long", "horns", "stub"),
    "sheep": Beast(0.45, (244, 244, 236), (50, 45, 45), 1.7, 0.6, "long", "floppy", "stub", "wool"),
    "cow": Beast(
        0.75, (246, 244, 240), (60, 55, 55), 2.2, 0.75, "long", "horns", "long", "patches"
    ),
    "pig": Beast(0.4, (244, 172, 176), (220, 140, 150), 1.9, 0.45, "snout", "floppy", "curly"),
    "deer": Beast(0.75, (176, 116, 64), (140, 90, 50), 1.7, 1.0, "long", "antlers", "stub"),
    "camel": Beast(
        1.05, (206, 166, 106), (180, 140, 90), 2.0, 1.05, "long", "round", "thin", "hump"
    ),
    "elephant": Beast(1.1, (144, 144, 156), (126, 126, 138), 2.2, 0.8, "trunk", "floppy", "thin"),
    "mouse": Beast(0.12, (150, 150, 160), (120, 120, 130), 1.7, 0.3, ears="round", tail="long"),
    "squirrel": Beast(0.2, (176, 92, 40), (150, 80, 36), 1.5, 0.45, ears="pointed", tail="bushy"),
    "raccoon": Beast(0.3, (130, 130, 136), (60, 60, 64), 1.8, 0.45, tail="bushy", marks="mask"),
    "badger": Beast(0.3, (120, 120, 124), (40, 40, 40), 2.0, 0.35, tail="stub", marks="stripe"),
    "hedgehog": Beast(0.16, (120, 90, 60), (70, 50, 40), 1.8, 0.2, ears="none", marks="spines"),
    "lion": Beast(0.62, (214, 164, 84), (190, 140, 70), 2.0, 0.7, tail="long", marks="mane"),
    "tiger": Beast(0.62, (226, 130, 40), (200, 110, 30), 2.1, 0.7, tail="long", marks="stripes"),
}


def beast(
    c: Canvas,
    kind: str,
    x: float,
    base: float,
    unit: float,
    facing: int,
    accent: RGB,
    coat: RGB | None = None,
) -> Drawn:
    b = BEASTS[kind] if coat is None else replace(BEASTS[kind], coat=coat)
    s = unit * b.size / 2.2
    fr = Frame(x, base, s, facing)
    half = b.length / 2
    body_y = b.leg + 0.4
    width = max(2, int(s * (0.22 if b.size > 0.6 else 0.16)))
    for dx in (-half * 0.75, -half * 0.45, half * 0.45, half * 0.75):  # legs
        c.draw.line([fr.p(dx, body_y), fr.p(dx, 0.05)], fill=b.legs, width=width)
    if b.tail == "bushy":
        up = 1.0 if kind == "squirrel" else 0.2
        c.draw.ellipse(fr.box(-half - 0.35, body_y + up, 0.35, 0.25 + up * 0.5), fill=b.coat)
    elif b.tail == "curly":
        c.draw.arc(
            fr.box(-half - 0.12, body_y + 0.15, 0.14, 0.14), 0, 300, fill=b.coat, width=width
        )
    elif b.tail in ("thin", "long"):
        end = (
            -half - (0.9 if b.tail == "long" else 0.45),
            body_y - (0.55 if b.tail == "long" else 0.25),
        )
        c.draw.line(
            [fr.p(-half + 0.05, body_y + 0.15), fr.p(*end)],
            fill=darker(b.coat, 0.2),
            width=max(1, width // 2),
        )
    if b.marks == "hump":
        c.draw.ellipse(fr.box(-0.2, body_y + 0.45, 0.55, 0.4), fill=b.coat)
    c.draw.ellipse(fr.box(0, body_y, half, 0.42), fill=b.coat)
    if b.marks == "wool":
        for dx in (-0.55, -0.15, 0.25, 0.6):
            c.draw.ellipse(
                fr.box(dx, body_y + 0.28, 0.3, 0.22), fill=mix(b.coat, (255, 255, 255), 0.4)
            )
    elif b.marks == "patches":
        for dx, dy in ((-0.4, 0.1), (0.35, -0.05)):
            c.draw.ellipse(fr.box(dx, body_y + dy, 0.28, 0.2), fill=(40, 36, 36))
    elif b.marks == "spines":
        for k in range(7):
            dx = -half * 0.8 + k * half * 0.27
            c.draw.polygon(
                fr.poly(
                    (dx - 0.12, body_y + 0.2), (dx - 0.2, body_y + 0.62), (dx + 0.1, body_y + 0.3)
                ),
                fill=darker(b.coat, 0.35),
            )
    elif b.marks == "stripes":
        for k in range(5):
            dx = -half * 0.7 + k * half * 0.35
            c.draw.line(
                [fr.p(dx, body_y + 0.38), fr.p(dx + 0.1, body_y - 0.1)],
                fill=(40, 30, 20),
                width=width,
            )
    elif b.marks == "stripe":
        c.draw.line(
            [fr.p(-half * 0.8, body_y + 0.35), fr.p(half * 1.1, body_y + 0.45)],
            fill=(240, 240, 240),
            width=width,
        )
    # head: forward of the body, raised on a neck for the long-headed ones
    neck = {"long": 0.55, "trunk": 0.25, "snout": 0.0, "round": 0.2}[b.head] + (
        0.6 if kind == "camel" else 0.0
    )
    hx, hy = half + 0.15, body_y + 0.25 + neck
    if neck > 0.3:
        c.draw.polygon(
            fr.poly(
                (half - 0.35, body_y + 0.2),
                (hx - 0.15, hy + 0.15),
                (hx + 0.1, hy - 0.1),
                (half, body_y - 0.1),
            ),
            fill=b.coat,
        )
    if b.marks == "mane":
        c.draw.ellipse(fr.box(hx - 0.05, hy, 0.6, 0.58), fill=(150, 90, 40))
    if b.head == "long":
        c.draw.polygon(
            fr.poly(
                (hx - 0.25, hy + 0.22),
                (hx + 0.55, hy - 0.05),
                (hx + 0.55, hy - 0.25),
                (hx - 0.15, hy - 0.25),
            ),
            fill=b.legs if b.marks == "wool" else b.coat,
        )
    else:
        c.draw.ellipse(fr.box(hx, hy, 0.38, 0.34), fill=b.coat)
    if b.head == "snout":
        c.draw.ellipse(fr.box(hx + 0.38, hy - 0.05, 0.1, 0.14), fill=darker(b.coat, 0.15))
    if b.head == "trunk":
        c.draw.line(
            [fr.p(hx + 0.3, hy), fr.p(hx + 0.55, hy - 0.5), fr.p(hx + 0.45, hy - 0.95)],
            fill=b.coat,
            width=max(3, int(s * 0.2)),
            joint="curve",
        )
    if b.marks == "mask":
        c.draw.rectangle(fr.box(hx + 0.1, hy + 0.05, 0.25, 0.08), fill=(30, 30, 30))
    ear_x, ear_y = hx - 0.05, hy + 0.3
    if b.ears == "round":
        c.draw.ellipse(fr.box(ear_x - 0.1, ear_y, 0.13, 0.13), fill=darker(b.coat, 0.15))
    elif b.ears == "pointed":
        c.draw.polygon(
            fr.poly(
                (ear_x - 0.15, ear_y - 0.05),
                (ear_x - 0.05, ear_y + 0.35),
                (ear_x + 0.1, ear_y - 0.05),
            ),
            fill=b.coat,
        )
    elif b.ears == "floppy":
        big = 0.35 if b.head == "trunk" else 0.14
        c.draw.ellipse(fr.box(ear_x - 0.12, ear_y - 0.3, big, big * 1.6), fill=darker(b.coat, 0.12))
    elif b.ears == "horns":
        c.draw.line(
            [fr.p(ear_x, ear_y - 0.1), fr.p(ear_x - 0.25, ear_y + 0.35)],
            fill=(230, 220, 190),
            width=width,
        )
    elif b.ears == "antlers":
        antler = (150, 110, 70)
        c.draw.line(
            [fr.p(ear_x, ear_y - 0.1), fr.p(ear_x - 0.1, ear_y + 0.7)], fill=antler, width=width
        )
        for up in (0.25, 0.5):
            c.draw.line(
                [fr.p(ear_x - 0.05, ear_y + up), fr.p(ear_x + 0.2, ear_y + up + 0.25)],
                fill=antler,
                width=max(1, width // 2),
            )
    front = hx + (0.4 if b.head == "long" else 0.2)
    eye(c, fr.p(front - 0.05, hy + 0.08), s * 0.06)
    c.draw.line(
        [fr.p(half - 0.2, body_y + 0.1), fr.p(half + 0.05, body_y + 0.3)], fill=accent, width=width
    )  # collar
    top = fr.p(hx, max(hy + 0.5, body_y + 0.45) + (0.7 if b.ears == "antlers" else 0.0))
    right = x + facing * (front + 0.3) * s
    left = x - facing * (half + 0.8) * s
    return Drawn(
        top=top,
        hand=fr.p(front, hy),
        feet=(x, base),
        box=(min(left, right), top[1], max(left, right), base),
    )


def rabbit(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.22 / 2.4
    fr = Frame(x, base, s, facing)
    fur = (196, 180, 160)
    c.draw.ellipse(fr.box(-0.75, 0.55, 0.22, 0.22), fill=(250, 250, 250))  # cotton tail
    c.draw.ellipse(fr.box(-0.1, 0.6, 0.7, 0.6), fill=fur)
    c.draw.ellipse(fr.box(0.5, 1.25, 0.38, 0.35), fill=fur)
    for dx in (0.3, 0.55):  # long ears
        c.draw.ellipse(fr.box(dx, 2.05, 0.1, 0.5), fill=fur)
        c.draw.ellipse(fr.box(dx, 2.05, 0.05, 0.38), fill=(236, 180, 180))
    eye(c, fr.p(0.7, 1.32), s * 0.07)
    c.draw.line([fr.p(0.25, 0.95), fr.p(0.65, 0.95)], fill=accent, width=max(2, int(s * 0.12)))
    top = fr.p(0.45, 2.6)
    return Drawn(top=top, hand=fr.p(0.9, 1.2), feet=(x, base), box=(x - s, top[1], x + s, base))


def frog(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.1
    fr = Frame(x, base, s, facing)
    green = (80, 170, 70)
    c.draw.ellipse(fr.box(-0.55, 0.2, 0.4, 0.2), fill=darker(green, 0.2))  # back leg
    c.draw.ellipse(fr.box(0, 0.45, 0.7, 0.4), fill=green)
    for dx in (0.2, 0.55):
        c.draw.ellipse(fr.box(dx, 0.85, 0.16, 0.16), fill=green)
        eye(c, fr.p(dx + 0.04, 0.88), s * 0.08)
    c.draw.line([fr.p(0.35, 0.35), fr.p(0.7, 0.38)], fill=accent, width=max(1, int(s * 0.08)))
    top = fr.p(0.35, 1.05)
    return Drawn(top=top, hand=fr.p(0.7, 0.4), feet=(x, base), box=(x - s, top[1], x + s, base))


def turtle(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.15 / 1.2
    fr = Frame(x, base, s, facing)
    skin, shell = (120, 160, 90), (90, 120, 60)
    for dx in (-0.6, 0.5):
        c.draw.ellipse(fr.box(dx, 0.15, 0.15, 0.15), fill=skin)
    c.draw.ellipse(fr.box(1.0, 0.45, 0.25, 0.2), fill=skin)
    eye(c, fr.p(1.1, 0.5), s * 0.06)
    c.draw.chord(fr.box(0, 0.3, 0.95, 0.8), 180, 360, fill=shell)
    for dx in (-0.45, 0.0, 0.45):
        c.draw.ellipse(fr.box(dx, 0.6, 0.2, 0.15), outline=darker(shell, 0.3), width=2)
    c.draw.line([fr.p(-0.95, 0.3), fr.p(0.95, 0.3)], fill=accent, width=max(2, int(s * 0.1)))
    top = fr.p(0, 1.15)
    return Drawn(
        top=top, hand=fr.p(1.2, 0.45), feet=(x, base), box=(x - s * 1.2, top[1], x + s * 1.2, base)
    )


def snail(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.08
    fr = Frame(x, base, s, facing)
    c.draw.rounded_rectangle(
        fr.box(0.1, 0.12, 0.9, 0.12), radius=max(1, int(s * 0.1)), fill=(200, 170, 130)
    )
    c.draw.line(
        [fr.p(0.85, 0.2), fr.p(1.0, 0.7)], fill=(200, 170, 130), width=max(1, int(s * 0.08))
    )
    c.draw.ellipse(fr.box(-0.1, 0.7, 0.55, 0.55), fill=(170, 110, 60))
    c.draw.arc(fr.box(-0.1, 0.7, 0.3, 0.3), 0, 300, fill=accent, width=max(1, int(s * 0.1)))
    top = fr.p(0, 1.3)
    return Drawn(top=top, hand=fr.p(1.0, 0.7), feet=(x, base), box=(x - s, top[1], x + s, base))


def crab(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.1
    fr = Frame(x, base, s, facing)
    red = (220, 80, 50)
    width = max(2, int(s * 0.1))
    for dx in (-0.6, -0.3, 0.3, 0.6):
        c.draw.line([fr.p(dx * 0.8, 0.35), fr.p(dx * 1.5, 0.0)], fill=red, width=width)
    for side in (-1, 1):
        c.draw.line([fr.p(side * 0.5, 0.5), fr.p(side * 0.9, 0.95)], fill=red, width=width)
        c.draw.pieslice(fr.box(side * 0.95, 1.05, 0.22, 0.18), 200, 500, fill=red)
    c.draw.ellipse(fr.box(0, 0.45, 0.7, 0.32), fill=red)
    for dx in (-0.15, 0.15):
        eye(c, fr.p(dx, 0.85), s * 0.07)
    c.draw.line([fr.p(-0.4, 0.4), fr.p(0.4, 0.4)], fill=accent, width=width)
    top = fr.p(0, 1.25)
    return Drawn(
        top=top, hand=fr.p(0.9, 1.0), feet=(x, base), box=(x - s * 1.2, top[1], x + s * 1.2, base)
    )


def spider(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.09
    fr = Frame(x, base, s, facing)
    black = (30, 28, 30)
    width = max(1, int(s * 0.08))
    for k in range(4):
        for side in (-1, 1):
            knee = fr.p(side * (0.5 + k * 0.12), 0.75)
            c.draw.line(
                [fr.p(side * 0.2, 0.4), knee, fr.p(side * (0.7 + k * 0.18), 0.0)],
                fill=black,
                width=width,
            )
    c.draw.ellipse(fr.box(-0.25, 0.45, 0.38, 0.32), fill=black)
    c.draw.ellipse(fr.box(0.3, 0.4, 0.2, 0.18), fill=black)
    eye(c, fr.p(0.4, 0.45), s * 0.05, (240, 60, 60))
    c.draw.line([fr.p(-0.4, 0.55), fr.p(-0.1, 0.55)], fill=accent, width=width)
    top = fr.p(0, 0.95)
    return Drawn(
        top=top, hand=fr.p(0.5, 0.4), feet=(x, base), box=(x - s * 1.3, top[1], x + s * 1.3, base)
    )


def snake(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.12
    fr = Frame(x, base, s, facing)
    green = (90, 150, 60)
    body = [
        fr.p(-2.0 + k * 0.25, 0.15 + 0.12 * (1 if k % 4 in (1, 2) else -1) * (k % 2))
        for k in range(14)
    ]
    c.draw.line(body, fill=green, width=max(3, int(s * 0.25)), joint="curve")
    head = fr.p(1.5, 0.35)
    c.draw.line([body[-1], head], fill=green, width=max(3, int(s * 0.25)))
    c.draw.ellipse(fr.box(1.6, 0.4, 0.22, 0.15), fill=green)
    eye(c, fr.p(1.68, 0.45), s * 0.05)
    c.draw.line([fr.p(1.8, 0.38), fr.p(2.05, 0.36)], fill=(220, 40, 40), width=1)
    c.draw.line([fr.p(-0.3, 0.2), fr.p(-0.1, 0.2)], fill=accent, width=max(2, int(s * 0.25)))
    top = fr.p(1.5, 0.7)
    return Drawn(top=top, hand=head, feet=(x, base), box=(x - 2 * s, top[1], x + 2 * s, base))


def lizard(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.08
    fr = Frame(x, base, s, facing)
    green = (110, 170, 80)
    c.draw.line([fr.p(-0.5, 0.25), fr.p(-1.6, 0.1)], fill=green, width=max(2, int(s * 0.15)))
    for dx in (-0.35, 0.35):
        c.draw.line([fr.p(dx, 0.25), fr.p(dx + 0.15, 0.0)], fill=green, width=max(2, int(s * 0.12)))
    c.draw.ellipse(fr.box(0, 0.28, 0.6, 0.16), fill=green)
    c.draw.ellipse(fr.box(0.75, 0.32, 0.25, 0.14), fill=green)
    eye(c, fr.p(0.85, 0.36), s * 0.05)
    c.draw.line([fr.p(0.35, 0.3), fr.p(0.5, 0.3)], fill=accent, width=max(2, int(s * 0.12)))
    top = fr.p(0.4, 0.6)
    return Drawn(
        top=top, hand=fr.p(1.0, 0.3), feet=(x, base), box=(x - 1.6 * s, top[1], x + s, base)
    )


def seal(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    """Lying on the ground, head raised (a seal, an otter)."""
    s = unit * 0.3 / 1.4
    fr = Frame(x, base, s, facing)
    grey = (120, 120, 130)
    c.draw.polygon(fr.poly((-1.2, 0.2), (-1.7, 0.45), (-1.6, 0.0)), fill=darker(grey, 0.2))
    c.draw.ellipse(fr.box(-0.2, 0.35, 1.1, 0.35), fill=grey)
    c.draw.polygon(fr.poly((0.4, 0.5), (0.8, 1.2), (1.05, 1.1), (0.85, 0.4)), fill=grey)
    c.draw.ellipse(fr.box(0.95, 1.25, 0.28, 0.22), fill=grey)
    eye(c, fr.p(1.05, 1.3), s * 0.06)
    c.draw.polygon(fr.poly((0.2, 0.2), (0.5, -0.0), (0.0, 0.05)), fill=darker(grey, 0.3))
    c.draw.line([fr.p(0.65, 0.85), fr.p(0.95, 0.8)], fill=accent, width=max(2, int(s * 0.12)))
    top = fr.p(0.95, 1.5)
    return Drawn(
        top=top, hand=fr.p(1.2, 1.2), feet=(x, base), box=(x - 1.7 * s, top[1], x + 1.3 * s, base)
    )


def bee(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    """In the air: `base` is its middle."""
    s = unit * 0.06
    fr = Frame(x, base, s, facing)
    c.draw.ellipse(fr.box(-0.1, 0.7, 0.35, 0.45), fill=(230, 240, 250))  # wings
    c.draw.ellipse(fr.box(0, 0, 0.6, 0.38), fill=(240, 200, 40))
    for dx in (-0.2, 0.15):
        c.draw.line(
            [fr.p(dx, 0.36), fr.p(dx, -0.36)], fill=(30, 30, 30), width=max(2, int(s * 0.18))
        )
    eye(c, fr.p(0.45, 0.05), s * 0.08)
    top = fr.p(0, 1.2)
    return Drawn(
        top=top,
        hand=fr.p(0.6, 0),
        feet=(x, base + 0.4 * s),
        box=(x - s, top[1], x + s, base + 0.4 * s),
    )


def butterfly(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.09
    fr = Frame(x, base, s, facing)
    wing = mix(accent, (250, 150, 40), 0.4)
    for side in (-1, 1):
        c.draw.ellipse(fr.box(side * 0.45, 0.35, 0.42, 0.45), fill=wing)
        c.draw.ellipse(fr.box(side * 0.35, -0.3, 0.3, 0.3), fill=darker(wing, 0.15))
        c.draw.ellipse(fr.box(side * 0.45, 0.4, 0.12, 0.12), fill=(250, 250, 240))
    c.draw.line([fr.p(0, -0.5), fr.p(0, 0.6)], fill=(40, 30, 30), width=max(2, int(s * 0.12)))
    for side in (-1, 1):
        c.draw.line([fr.p(0, 0.6), fr.p(side * 0.25, 1.0)], fill=(40, 30, 30), width=1)
    top = fr.p(0, 1.05)
    return Drawn(
        top=top,
        hand=fr.p(0.3, 0.6),
        feet=(x, base + 0.6 * s),
        box=(x - s, top[1], x + s, base + 0.6 * s),
    )


UPRIGHT: dict[str, tuple[RGB, RGB, str]] = {  # body, face, what sets it apart
    "monkey": ((130, 84, 50), (220, 180, 140), "tail"),
    "alien": ((120, 200, 110), (150, 225, 140), "antennae"),
    "monster": ((130, 70, 170), (160, 100, 200), "horns"),
    "yeti": ((236, 238, 244), (150, 180, 220), "fur"),
}


def upright(
    c: Canvas, kind: str, x: float, base: float, unit: float, facing: int, accent: RGB
) -> Drawn:
    """A figure on two legs that is not a person: a monkey (small, long tail), an alien
    (big head, antennae), a monster (horns, teeth), a yeti (big and furry)."""
    body, face, mark = UPRIGHT[kind]
    size = {"monkey": 0.45, "alien": 0.7, "monster": 1.1, "yeti": 1.25}[kind]
    s = unit * size / 3
    fr = Frame(x, base, s, facing)
    width = max(3, int(s * 0.3))
    for dx in (-0.3, 0.3):
        c.draw.line([fr.p(dx, 1.2), fr.p(dx, 0.1)], fill=darker(body, 0.15), width=width)
    if mark == "tail":
        c.draw.arc(fr.box(-0.9, 1.0, 0.6, 0.7), 90, 300, fill=body, width=max(2, width // 2))
    c.draw.ellipse(fr.box(0, 1.6, 0.65, 0.75), fill=body)
    if mark == "fur":
        for k in range(6):
            c.draw.polygon(
                fr.poly((-0.65 + k * 0.26, 0.95), (-0.52 + k * 0.26, 0.7), (-0.4 + k * 0.26, 0.95)),
                fill=body,
            )
    for side in (-1, 1):  # arms
        c.draw.line([fr.p(side * 0.55, 2.0), fr.p(side * 0.85 + 0.2, 1.25)], fill=body, width=width)
    head_r = 0.65 if kind == "alien" else 0.45
    hy = 2.3 + head_r
    c.draw.ellipse(fr.box(0.05, hy, head_r, head_r * (1.15 if kind == "alien" else 1.0)), fill=body)
    c.draw.ellipse(fr.box(0.2, hy - 0.05, head_r * 0.65, head_r * 0.6), fill=face)
    eyes = 0.18 if kind == "alien" else 0.08
    for dx in (0.1, 0.4):
        eye(c, fr.p(dx, hy + 0.05), s * eyes, (20, 20, 20))
    if mark == "antennae":
        for dx in (-0.2, 0.3):
            tip = fr.p(dx * 1.8, hy + head_r + 0.6)
            c.draw.line([fr.p(dx, hy + head_r * 0.8), tip], fill=body, width=max(2, width // 3))
            eye(c, tip, s * 0.1, (250, 230, 90))
    elif mark == "horns":
        for dx in (-0.3, 0.35):
            c.draw.polygon(
                fr.poly((dx - 0.1, hy + 0.3), (dx * 1.4, hy + 0.95), (dx + 0.12, hy + 0.35)),
                fill=(240, 230, 200),
            )
        c.draw.line(
            [fr.p(0.15, hy - 0.25), fr.p(0.5, hy - 0.25)],
            fill=(250, 250, 250),
            width=max(2, width // 3),
        )
    elif mark == "tail":
        c.draw.ellipse(fr.box(-0.4, hy + 0.1, 0.15, 0.15), fill=face)
    c.draw.line([fr.p(-0.35, 2.15), fr.p(0.4, 2.15)], fill=accent, width=max(2, width // 2))
    top = fr.p(0, hy + head_r + (0.7 if mark in ("antennae", "horns") else 0.05))
    return Drawn(
        top=(x, top[1]),
        hand=fr.p(1.05, 1.25),
        feet=(x, base),
        box=(x - s, top[1], x + s * 1.1, base),
    )


def ghost(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    """A sheet that floats a little above the ground, wavy at the hem."""
    s = unit * 0.75 / 3
    fr = Frame(x, base - unit * 0.06, s, facing)
    sheet = (236, 238, 248)
    c.draw.ellipse(fr.box(0, 2.3, 0.8, 0.75), fill=sheet)
    c.draw.rectangle(fr.box(0, 1.2, 0.8, 1.1), fill=sheet)
    for k in range(4):  # the hem
        c.draw.ellipse(fr.box(-0.6 + k * 0.4, 0.15, 0.2, 0.2), fill=sheet)
    for dx in (0.0, 0.35):
        c.draw.ellipse(fr.box(dx, 2.35, 0.1, 0.16), fill=(30, 30, 40))
    c.draw.ellipse(fr.box(0.2, 1.95, 0.12, 0.1), fill=(30, 30, 40))
    c.draw.line([fr.p(-0.5, 1.6), fr.p(0.5, 1.6)], fill=accent, width=max(2, int(s * 0.15)))
    top = fr.p(0, 3.1)
    return Drawn(top=top, hand=fr.p(0.8, 1.6), feet=(x, base), box=(x - s, top[1], x + s, base))


SMALL: dict[str, Callable[[Canvas, float, float, float, int, RGB], Drawn]] = {
    "rabbit": rabbit,
    "frog": frog,
    "turtle": turtle,
    "snail": snail,
    "crab": crab,
    "spider": spider,
    "snake": snake,
    "lizard": lizard,
    "seal": seal,
    "bee": bee,
    "butterfly": butterfly,
    "ghost": ghost,
}
# (height beside a person, where it lives) for each kind this module draws, true to life
LIFE_SIZES: dict[str, tuple[float, str]] = {
    **{k: (b.size, "ground") for k, b in BEASTS.items()},
    "rabbit": (0.22, "ground"),
    "frog": (0.1, "ground"),
    "turtle": (0.15, "ground"),
    "snail": (0.08, "ground"),
    "crab": (0.1, "ground"),
    "spider": (0.09, "ground"),
    "snake": (0.12, "ground"),
    "lizard": (0.08, "ground"),
    "seal": (0.3, "ground"),
    "bee": (0.06, "air"),
    "butterfly": (0.09, "air"),
    "ghost": (0.75, "ground"),
    "monkey": (0.45, "ground"),
    "alien": (0.7, "ground"),
    "monster": (1.1, "ground"),
    "yeti": (1.25, "ground"),
}
# a storybook's small hero is drawn bigger than life (up to twice), to be seen
BOOST = {k: max(1.0, min(0.26, size * 2) / size) for k, (size, _) in LIFE_SIZES.items()}
SIZES = {k: (size * BOOST[k], lives) for k, (size, lives) in LIFE_SIZES.items()}


def draw_beast(
    c: Canvas,
    kind: str,
    x: float,
    base: float,
    unit: float,
    facing: int,
    accent: RGB,
    coat: RGB | None = None,
) -> Drawn:
    """`coat` recolours a four-legged beast (a black bear, a white goat)."""
    unit *= BOOST[kind]
    if kind in BEASTS:
        return beast(c, kind, x, base, unit, facing, accent, coat)
    if kind in UPRIGHT:
        return upright(c, kind, x, base, unit, facing, accent)
    return SMALL[kind](c, x, base, unit, facing, accent)
