"""Animals and creatures as simple shapes a viewer knows at a glance: a whale surfacing
with its tail fluke, a fish, birds (a black crow, an owl, a parrot), a cat, a dog, an
orange fox with pointed ears and a bushy tail, a horse, a winged dragon, a boxy robot
with an antenna. Each takes the reference height of a person at its depth (`unit`),
faces `facing` (+1 right, -1 left) and wears the character's colour as an accent
(a collar, a chest panel), so it stays recognisable from shot to shot."""

from __future__ import annotations

from collections.abc import Callable

from .beasts import SIZES, draw_beast
from .canvas import RGB, Canvas, Drawn, darker, mix
from .shapes import Frame, eye

# (size relative to a person, where it lives)
SIZE: dict[str, tuple[float, str]] = {
    "whale": (1.6, "water"),
    "fish": (0.3, "water"),
    "crow": (0.22, "air"),
    "owl": (0.26, "air"),
    "parrot": (0.24, "air"),
    "bird": (0.2, "air"),
    "cat": (0.34, "ground"),
    "dog": (0.46, "ground"),
    "fox": (0.44, "ground"),
    "horse": (1.0, "ground"),
    "dragon": (1.3, "air"),
    "robot": (0.9, "ground"),
    **SIZES,
}
BIRD_COLOURS: dict[str, tuple[RGB, RGB]] = {  # body, beak
    "crow": ((28, 28, 34), (70, 70, 76)),
    "owl": ((140, 100, 60), (220, 170, 60)),
    "parrot": ((40, 170, 70), (240, 200, 40)),
    "bird": ((110, 90, 70), (230, 160, 40)),
}


def whale(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    """`base`: the water line the whale surfaces through."""
    s = unit * 1.6 / 4  # body length ~4 units
    fr = Frame(x, base, s, facing)
    body, belly = (64, 84, 112), (190, 200, 210)
    c.draw.polygon(
        fr.poly((-1.7, 0.2), (-2.3, 0.9), (-2.75, 1.35), (-2.2, 1.05), (-1.9, 1.45), (-1.55, 0.45)),
        fill=darker(body, 0.1),
    )  # fluke
    c.draw.ellipse(fr.box(0.1, 0.35, 1.9, 0.75), fill=body)
    c.draw.chord(fr.box(0.3, 0.2, 1.6, 0.5), 0, 180, fill=belly)
    for k in range(4):  # throat grooves
        c.draw.line(
            fr.poly((0.6 + k * 0.25, 0.05), (1.2 + k * 0.15, 0.12)),
            fill=mix(belly, body, 0.5),
            width=max(1, int(s * 0.04)),
        )
    c.draw.polygon(
        fr.poly((0.2, 0.1), (-0.4, -0.35), (-0.05, 0.05)), fill=darker(body, 0.25)
    )  # flipper
    eye(c, fr.p(1.35, 0.45), s * 0.07)
    c.draw.line(
        fr.poly((1.5, 0.2), (1.95, 0.28)), fill=darker(body, 0.4), width=max(1, int(s * 0.05))
    )  # mouth
    spout = fr.p(0.9, 1.1)
    for dx in (-0.25, 0.0, 0.25):
        c.draw.line([spout, fr.p(0.9 + dx, 1.6)], fill=(220, 235, 245), width=max(2, int(s * 0.06)))
    wave = (200, 222, 235)
    for k in range(6):  # the water breaking over its lower body
        wx = x + (k - 2.5) * s * 0.7
        c.draw.arc(
            [wx - s * 0.4, base - s * 0.08, wx + s * 0.4, base + s * 0.2],
            200,
            340,
            fill=wave,
            width=max(2, int(s * 0.06)),
        )
    top = fr.p(0.9, 1.65)
    box = (x - 2.8 * s, top[1], x + 2.8 * s, base + 0.4 * s)
    return Drawn(top=(x, top[1]), hand=fr.p(1.9, 0.4), feet=(x, base), box=box)


def fish(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.3 / 1.5
    fr = Frame(x, base - s * 0.8, s, facing)
    body = (240, 140, 40)
    c.draw.polygon(fr.poly((-0.6, 0), (-1.2, 0.45), (-1.2, -0.45)), fill=darker(body, 0.15))
    c.draw.ellipse(fr.box(0.1, 0, 0.8, 0.42), fill=body)
    c.draw.polygon(fr.poly((-0.1, 0.35), (0.3, 0.7), (0.4, 0.3)), fill=darker(body, 0.15))
    c.draw.line(fr.poly((0.25, 0.38), (0.25, -0.38)), fill=accent, width=max(2, int(s * 0.12)))
    eye(c, fr.p(0.55, 0.08), s * 0.09)
    top = fr.p(0, 0.7)
    return Drawn(
        top=top, hand=fr.p(0.9, 0), feet=(x, base), box=(x - 1.2 * s, top[1], x + 1.2 * s, base)
    )


def bird(
    c: Canvas,
    x: float,
    base: float,
    unit: float,
    facing: int,
    accent: RGB,
    kind: str = "bird",
    flying: bool = False,
) -> Drawn:
    """Perched on a branch at `base` (its feet), or flying with its wings up."""
    s = unit * SIZE[kind][0] / 1.6
    body, beak = BIRD_COLOURS[kind]
    fr = Frame(x, base, s, facing)
    if kind == "owl":
        c.draw.ellipse(fr.box(0, 0.75, 0.55, 0.75), fill=body)
        c.draw.ellipse(fr.box(0, 0.6, 0.35, 0.5), fill=mix(body, (240, 220, 190), 0.5))
        c.draw.ellipse(fr.box(0, 1.55, 0.6, 0.45), fill=body)
        c.draw.polygon(fr.poly((-0.5, 1.8), (-0.45, 2.2), (-0.2, 1.9)), fill=body)
        c.draw.polygon(fr.poly((0.5, 1.8), (0.45, 2.2), (0.2, 1.9)), fill=body)
        for dx in (-0.25, 0.25):
            spot = fr.p(dx, 1.6)
            eye(c, spot, s * 0.2, (250, 235, 170))
            eye(c, spot, s * 0.09)
        c.draw.polygon(fr.poly((-0.07, 1.45), (0.07, 1.45), (0, 1.25)), fill=beak)
        top = fr.p(0, 2.2)
    else:
        tail = (-1.3, 0.2) if kind != "parrot" else (-1.6, -0.3)
        c.draw.polygon(
            fr.poly((-0.4, 0.75), tail, (tail[0] + 0.05, tail[1] + 0.35), (-0.3, 0.95)),
            fill=darker(body, 0.15),
        )
        c.draw.ellipse(fr.box(0, 0.8, 0.65, 0.45), fill=body)
        head_colour = (220, 50, 40) if kind == "parrot" else body
        c.draw.ellipse(fr.box(0.55, 1.3, 0.32, 0.32), fill=head_colour)
        hook = 0.25 if kind == "parrot" else 0.0
        c.draw.polygon(fr.poly((0.8, 1.4), (1.25, 1.3 - hook), (0.8, 1.2)), fill=beak)
        eye(c, fr.p(0.62, 1.38), s * 0.07, (255, 255, 255) if kind == "crow" else (20, 20, 20))
        eye(c, fr.p(0.64, 1.38), s * 0.04)
        wing = darker(body, 0.25) if kind != "parrot" else (40, 90, 200)
        if flying:
            c.draw.polygon(fr.poly((-0.3, 1.0), (-0.2, 2.2), (0.35, 1.0)), fill=wing)
        else:
            c.draw.chord(fr.box(-0.1, 0.85, 0.55, 0.3), 0, 180, fill=wing)
        top = fr.p(0.55, 1.7 if not flying else 2.2)
    if not flying:
        for dx in (-0.12, 0.12):
            c.draw.line(
                [fr.p(dx, 0.4), fr.p(dx, 0.0)], fill=(60, 50, 40), width=max(1, int(s * 0.06))
            )
    c.draw.line(fr.poly((0.2, 1.05), (0.4, 0.98)), fill=accent, width=max(2, int(s * 0.1)))
    return Drawn(
        top=top, hand=fr.p(1.2, 1.3), feet=(x, base), box=(x - 1.4 * s, top[1], x + 1.4 * s, base)
    )


def cat(
    c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB, coat: RGB | None = None
) -> Drawn:
    s = unit * 0.34 / 2
    fr = Frame(x, base, s, facing)
    fur = coat or (112, 112, 124)
    c.draw.arc(fr.box(-0.9, 0.5, 0.5, 0.6), 90, 270, fill=fur, width=max(3, int(s * 0.18)))  # tail
    c.draw.ellipse(fr.box(-0.1, 0.65, 0.6, 0.68), fill=fur)
    c.draw.ellipse(fr.box(0.25, 1.45, 0.45, 0.42), fill=fur)
    for ex in (0.0, 0.45):  # pointed ears
        c.draw.polygon(fr.poly((ex - 0.15, 1.7), (ex - 0.05, 2.15), (ex + 0.2, 1.75)), fill=fur)
    for ex in (0.32, 0.55):
        eye(c, fr.p(ex, 1.5), s * 0.08, (200, 230, 90))
    c.draw.polygon(fr.poly((0.62, 1.38), (0.72, 1.33), (0.64, 1.3)), fill=(230, 140, 150))
    for dy in (-0.05, 0.05):  # whiskers
        c.draw.line(
            fr.poly((0.62, 1.33 + dy), (1.05, 1.36 + dy * 3)), fill=(230, 230, 230), width=1
        )
    c.draw.line(
        fr.poly((0.0, 1.05), (0.5, 1.05)), fill=accent, width=max(2, int(s * 0.12))
    )  # collar
    for dx in (0.1, 0.35):
        c.draw.line(
            fr.poly((dx, 0.6), (dx, 0.0)), fill=darker(fur, 0.2), width=max(2, int(s * 0.16))
        )
    top = fr.p(0.2, 2.15)
    return Drawn(
        top=top, hand=fr.p(0.6, 0.9), feet=(x, base), box=(x - 1.4 * s, top[1], x + 1.4 * s, base)
    )


def _quadruped(
    c: Canvas, fr: Frame, fur: RGB, legs: RGB, length: float, leg: float, accent: RGB
) -> None:
    """A four-legged body on `leg`-long legs, `length` long, nose forward."""
    width = max(2, int(fr.s * 0.16))
    for dx in (-length * 0.4, -length * 0.25, length * 0.25, length * 0.4):
        c.draw.line([fr.p(dx, leg + 0.15), fr.p(dx + 0.04, 0.0)], fill=legs, width=width)
    c.draw.ellipse(fr.box(0, leg + 0.3, length * 0.55, 0.38), fill=fur)


def dog(
    c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB, coat: RGB | None = None
) -> Drawn:
    s = unit * 0.46 / 2
    fr = Frame(x, base, s, facing)
    fur = coat or (150, 100, 55)
    c.draw.line(
        fr.poly((-0.8, 1.1), (-1.25, 1.7)), fill=fur, width=max(3, int(s * 0.15))
    )  # tail up
    _quadruped(c, fr, fur, darker(fur, 0.15), 1.9, 0.7, accent)
    c.draw.polygon(fr.poly((0.55, 1.1), (0.85, 1.7), (1.1, 1.2)), fill=fur)  # neck
    c.draw.ellipse(fr.box(0.95, 1.65, 0.38, 0.33), fill=fur)
    c.draw.rounded_rectangle(
        fr.box(1.3, 1.52, 0.25, 0.15), radius=max(1, int(s * 0.1)), fill=fur
    )  # snout
    eye(c, fr.p(1.57, 1.58), s * 0.07)
    c.draw.ellipse(fr.box(0.8, 1.45, 0.14, 0.3), fill=darker(fur, 0.4))  # floppy ear
    eye(c, fr.p(1.05, 1.75), s * 0.06)
    c.draw.line(fr.poly((0.7, 1.3), (1.1, 1.32)), fill=accent, width=max(2, int(s * 0.12)))
    top = fr.p(0.95, 2.0)
    return Drawn(
        top=top, hand=fr.p(1.5, 1.5), feet=(x, base), box=(x - 1.3 * s, top[1], x + 1.6 * s, base)
    )


def fox(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.44 / 2
    fr = Frame(x, base, s, facing)
    fur, white, black = (222, 110, 36), (245, 240, 230), (40, 30, 28)
    c.draw.polygon(
        fr.poly((-0.8, 1.0), (-1.5, 1.35), (-2.0, 0.95), (-1.85, 0.6), (-1.3, 0.62), (-0.8, 0.75)),
        fill=fur,
    )  # bushy tail
    c.draw.polygon(fr.poly((-2.0, 0.95), (-1.75, 1.07), (-1.7, 0.7), (-1.85, 0.6)), fill=white)
    _quadruped(c, fr, fur, black, 1.7, 0.6, accent)
    c.draw.polygon(fr.poly((0.5, 0.9), (0.75, 1.55), (1.05, 1.05)), fill=fur)
    c.draw.polygon(
        fr.poly((0.55, 1.6), (0.95, 1.85), (1.7, 1.4), (0.9, 1.25)), fill=fur
    )  # pointed head
    c.draw.polygon(fr.poly((1.7, 1.4), (0.95, 1.3), (1.2, 1.25)), fill=white)
    c.draw.polygon(fr.poly((0.6, 1.7), (0.65, 2.2), (0.9, 1.82)), fill=fur)  # ears
    c.draw.polygon(fr.poly((0.85, 1.8), (0.98, 2.25), (1.1, 1.75)), fill=darker(fur, 0.1))
    eye(c, fr.p(1.08, 1.58), s * 0.06)
    eye(c, fr.p(1.7, 1.4), s * 0.05)
    c.draw.polygon(fr.poly((0.75, 0.75), (1.0, 1.15), (0.6, 1.1)), fill=white)  # chest
    c.draw.line(fr.poly((0.6, 1.15), (0.95, 1.2)), fill=accent, width=max(2, int(s * 0.1)))
    top = fr.p(0.9, 2.25)
    return Drawn(
        top=top, hand=fr.p(1.6, 1.3), feet=(x, base), box=(x - 2.0 * s, top[1], x + 1.7 * s, base)
    )


def horse(
    c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB, coat: RGB | None = None
) -> Drawn:
    s = unit * 1.0 / 2.6
    fr = Frame(x, base, s, facing)
    coat, mane = coat or (130, 80, 45), (50, 32, 22)
    c.draw.polygon(
        fr.poly((-0.95, 1.5), (-1.35, 0.8), (-1.15, 0.7), (-0.9, 1.3)), fill=mane
    )  # tail
    width = max(3, int(s * 0.14))
    for dx in (-0.75, -0.55, 0.6, 0.8):
        c.draw.line([fr.p(dx, 1.2), fr.p(dx, 0.05)], fill=darker(coat, 0.1), width=width)
        c.draw.rectangle(fr.box(dx, 0.04, 0.07, 0.05), fill=(30, 30, 30))
    c.draw.ellipse(fr.box(0, 1.45, 1.1, 0.42), fill=coat)
    c.draw.polygon(fr.poly((0.6, 1.7), (0.95, 2.45), (1.25, 2.4), (1.05, 1.3)), fill=coat)  # neck
    c.draw.polygon(fr.poly((0.95, 2.5), (1.6, 1.95), (1.75, 2.05), (1.25, 2.6)), fill=coat)  # head
    c.draw.polygon(fr.poly((0.95, 2.45), (0.6, 1.7), (0.7, 1.75), (1.05, 2.6)), fill=mane)
    c.draw.polygon(fr.poly((1.05, 2.55), (1.1, 2.8), (1.2, 2.58)), fill=coat)  # ear
    eye(c, fr.p(1.25, 2.35), s * 0.05)
    c.draw.rectangle(fr.box(0.1, 1.78, 0.4, 0.06), fill=accent)  # saddle cloth
    c.draw.rectangle(fr.box(0.1, 1.55, 0.35, 0.22), fill=accent)
    c.marks["saddle"] = fr.p(0.0, 1.82)
    top = fr.p(1.1, 2.8)
    return Drawn(
        top=top, hand=fr.p(1.7, 2.0), feet=(x, base), box=(x - 1.4 * s, top[1], x + 1.8 * s, base)
    )


def dragon(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    """Flying: `base` is the middle of its body."""
    s = unit * 1.3 / 4
    fr = Frame(x, base, s, facing)
    scales = mix(accent, (40, 110, 60), 0.5)
    membrane = darker(scales, 0.35)
    c.draw.polygon(
        fr.poly(
            (-0.3, 0.2), (-1.2, 1.9), (-0.6, 1.3), (-0.2, 1.7), (0.1, 1.2), (0.5, 1.5), (0.5, 0.2)
        ),
        fill=membrane,
    )  # far wing
    c.draw.line(
        fr.poly((-0.9, -0.05), (-1.8, -0.3), (-2.4, 0.1)),
        fill=scales,
        width=max(3, int(s * 0.18)),
        joint="curve",
    )  # tail
    c.draw.polygon(fr.poly((-2.4, 0.1), (-2.7, 0.35), (-2.75, -0.05)), fill=accent)
    c.draw.ellipse(fr.box(0, 0, 1.0, 0.38), fill=scales)
    c.draw.line(
        fr.poly((0.8, 0.15), (1.3, 0.6), (1.6, 0.7)),
        fill=scales,
        width=max(4, int(s * 0.26)),
        joint="curve",
    )  # neck
    c.draw.polygon(fr.poly((1.45, 0.85), (2.2, 0.6), (2.2, 0.48), (1.5, 0.5)), fill=scales)  # head
    c.draw.polygon(fr.poly((1.5, 0.85), (1.35, 1.2), (1.65, 0.88)), fill=(230, 220, 190))  # horns
    eye(c, fr.p(1.75, 0.72), s * 0.06, (250, 220, 60))
    c.draw.polygon(
        fr.poly(
            (-0.1, 0.3), (-0.9, 2.2), (-0.3, 1.6), (0.2, 2.05), (0.4, 1.4), (0.9, 1.6), (0.6, 0.3)
        ),
        fill=mix(membrane, scales, 0.4),
    )  # near wing
    for dx in (-0.4, 0.5):
        c.draw.line(
            [fr.p(dx, -0.25), fr.p(dx - 0.1, -0.6)], fill=scales, width=max(3, int(s * 0.14))
        )
    c.draw.chord(
        fr.box(0.1, -0.05, 0.8, 0.25), 0, 180, fill=mix(scales, (230, 200, 120), 0.5)
    )  # belly
    top = fr.p(-0.9, 2.2)
    return Drawn(
        top=(x, top[1]),
        hand=fr.p(2.2, 0.55),
        feet=(x, base + 0.6 * s),
        box=(x - 2.8 * s, top[1], x + 2.3 * s, base + 0.6 * s),
    )


def robot(c: Canvas, x: float, base: float, unit: float, facing: int, accent: RGB) -> Drawn:
    s = unit * 0.9 / 3
    fr = Frame(x, base, s, facing)
    metal, dark = (172, 178, 190), (90, 96, 108)
    for dx in (-0.3, 0.3):
        c.draw.rectangle(fr.box(dx, 0.55, 0.14, 0.55), fill=dark)
        c.draw.rectangle(fr.box(dx + 0.05, 0.05, 0.22, 0.07), fill=dark)
    c.draw.rectangle(fr.box(0, 1.6, 0.65, 0.55), fill=metal)
    c.draw.rectangle(fr.box(0.05, 1.6, 0.32, 0.25), fill=accent)  # chest panel
    for k in range(3):
        eye(c, fr.p(-0.15 + k * 0.15, 1.25), s * 0.05, (250, 200, 60) if k == 1 else (80, 220, 120))
    c.draw.line([fr.p(-0.65, 1.95), fr.p(-0.8, 1.2)], fill=dark, width=max(3, int(s * 0.14)))
    c.draw.line([fr.p(0.65, 1.95), fr.p(0.95, 1.55)], fill=dark, width=max(3, int(s * 0.14)))
    c.draw.rectangle(fr.box(0.05, 2.35, 0.1, 0.1), fill=dark)  # neck
    c.draw.rounded_rectangle(fr.box(0.05, 2.7, 0.42, 0.3), radius=max(1, int(s * 0.06)), fill=metal)
    c.draw.rectangle(fr.box(0.22, 2.72, 0.2, 0.08), fill=(30, 40, 50))  # visor
    for dx in (0.14, 0.3):
        eye(c, fr.p(dx, 2.72), s * 0.05, (90, 230, 250))
    c.draw.line(
        [fr.p(0.05, 3.0), fr.p(0.05, 3.35)], fill=dark, width=max(2, int(s * 0.05))
    )  # antenna
    eye(c, fr.p(0.05, 3.4), s * 0.08, (240, 60, 60))
    top = fr.p(0.05, 3.5)
    return Drawn(
        top=top, hand=fr.p(0.95, 1.55), feet=(x, base), box=(x - 0.9 * s, top[1], x + 0.9 * s, base)
    )


COAT_RGB: dict[str, RGB] = {  # the coats words.COATS names
    "black": (40, 38, 42),
    "white": (236, 236, 230),
    "ginger": (214, 120, 50),
    "brown": (128, 84, 50),
    "grey": (128, 128, 138),
    "golden": (214, 172, 90),
}
COATED = ("cat", "dog", "horse")  # of this module's animals, those whose coat varies
DRAW: dict[str, Callable[..., Drawn]] = {
    "whale": whale,
    "fish": fish,
    "cat": cat,
    "dog": dog,
    "fox": fox,
    "horse": horse,
    "dragon": dragon,
    "robot": robot,
}


def draw_creature(
    c: Canvas,
    kind: str,
    x: float,
    base: float,
    unit: float,
    facing: int,
    accent: RGB,
    *,
    flying: bool = False,
    coat: str | None = None,
) -> Drawn:
    """`coat`: a colour word of words.COATS for a furred animal (a black cat)."""
    fur = COAT_RGB.get(coat or "")
    if kind in BIRD_COLOURS:
        return bird(c, x, base, unit, facing, accent, kind, flying)
    if kind in COATED:
        return DRAW[kind](c, x, base, unit, facing, accent, coat=fur)
    if kind in DRAW:
        return DRAW[kind](c, x, base, unit, facing, accent)
    return draw_beast(c, kind, x, base, unit, facing, accent, coat=fur)
