"""A storyboard frame from a keyframe step: what it shows (`read`), then where each thing
goes and in what order it is drawn (`draw_keyframe`).

What is drawn, from the step's prompt, the shot's setting and its characters:
- a room (cafe, kitchen, library, shop, classroom, any room) or the land outside (sea,
  beach, lake, river, forest, park, city, mountain, hill, desert, field, lighthouse);
- the time of day: the sky's colours, the sun, or a moon with stars and lit windows;
- the weather (storm, rain, snow, fog, wind) and the props the prompt names;
- each character by kind: a person (adult, child, old) in their colour, or an animal or
  creature; creatures the prompt names that are not characters are drawn too, unnamed.

Composition: the shot's speaker stands nearer (larger, lower, on a third) and raises an
arm; the others stand further back; two characters face each other. The first keyframe is
a wide shot; later ones cycle through medium, wide and close shots on the speaker. Each character's
name is written small above them, never in the bottom quarter (the subtitles' band) nor
in the outer 8% (a camera move crops it); nothing else is written on the frame.

Every random choice comes from the seed: the same step and seed give byte-identical PNGs.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from ....media.fonts import font
from ....schemas import ImageStep
from .canvas import RGB, Canvas, Drawn, Point, character_colour, drawing, mix
from .creatures import BIRD_COLOURS, SIZE, draw_creature
from .exteriors import draw_land
from .figures import Look, draw_person, look_of
from .interiors import draw_room
from .props import (
    PLACE,
    ball,
    bike,
    boat,
    book,
    car,
    door,
    guitar,
    kite,
    lantern,
    paper_boat,
    table,
    umbrella,
)
from .sky import draw_sky, fair_clouds, palette
from .weather import draw_clouds, draw_fog, draw_weather
from .words import (
    CREATURES,
    EXTERIORS,
    INTERIORS,
    PERSON,
    PROPS,
    RIDE,
    TIMES,
    WEATHER,
    all_mentions,
    first_mention,
    mentions,
)

TEXT_BOTTOM = 0.75  # no text below this fraction of the frame's height (subtitles)
TEXT_MARGIN = 0.08  # nor this near an edge: a zoom_in (1.18x) crops 7.6% off each side
SHOT_SIZES = (1.35, 1.0, 1.7)  # keyframes after the first: medium, wide, close
MAX_EXTRAS = 2
WATER_KINDS = {"sea", "beach", "lake", "river"}
OUTDOOR_ONLY = ("whale", "fish", "horse", "dragon")  # a prompt's word for these is no guest indoors


@dataclass(frozen=True)
class Cast:
    """One figure: a character (id and name) or a creature the prompt names (no id)."""

    kind: str  # "person" or a key of words.CREATURES
    id: str | None = None
    name: str | None = None
    look: Look | None = None

    @property
    def colour(self) -> RGB:
        return character_colour(self.id or self.kind)

    @property
    def lives(self) -> str:
        return "ground" if self.kind == "person" else SIZE[self.kind][1]


@dataclass(frozen=True)
class Reading:
    """What a keyframe shows, read from its step."""

    time: str
    mood: str | None
    interior: str | None
    land: frozenset[str]
    weather: frozenset[str]
    props: tuple[str, ...]
    cast: tuple[Cast, ...]
    speaker: str | None
    flying: bool = False
    extras: tuple[str, ...] = field(default=())
    riding: bool = False


def kind_of(name: str, appearance: str | None) -> str:
    """A character's kind: the first creature or person word of its appearance, else of its
    name; a person when neither names a creature."""
    table = {**CREATURES, "person": PERSON}
    for text in (appearance or "", name):
        found = first_mention(text, table)
        if found:
            return found
    return "person"


def read(step: ImageStep) -> Reading:
    scene = step.scene
    setting = (scene.setting or "") if scene else ""
    text = f"{step.prompt} {setting}"
    time = (scene.time_of_day if scene else None) or first_mention(text, TIMES) or "day"
    # the setting says where we are; the prompt only when the setting names no place
    interior = first_mention(setting, INTERIORS)
    if interior is None and not all_mentions(setting, EXTERIORS):
        interior = first_mention(step.prompt, INTERIORS)
    cast = []
    for char in scene.characters if scene else []:
        kind = kind_of(char.name, char.appearance)
        look = (
            look_of(char.id, f"{char.name} {char.appearance or ''}") if kind == "person" else None
        )
        cast.append(Cast(kind=kind, id=char.id, name=char.name, look=look))
    # creatures the prompt names beyond the cast; indoors only those that fit in a room
    present = set() if not interior else set(OUTDOOR_ONLY)
    present |= {c.kind for c in cast}
    extras = [k for k in all_mentions(step.prompt, CREATURES) if k not in present][:MAX_EXTRAS]
    cast.extend(Cast(kind=k) for k in extras)
    land = set(all_mentions(text, EXTERIORS))
    props = all_mentions(text, PROPS)
    for both, part in (("chess", "table"), ("paper_boat", "boat")):
        if both in props and part in props:
            props.remove(part)
    kinds = {c.kind for c in cast}
    # a whale or a fish needs water; a boat too, unless the place is named and has none
    if (kinds & {"whale", "fish"} or ("boat" in props and not land)) and not land & WATER_KINDS:
        land.add("sea")
    return Reading(
        time=time,
        mood=scene.mood if scene else None,
        interior=interior,
        land=frozenset(land),
        weather=frozenset(all_mentions(text, WEATHER)),
        props=tuple(props),
        cast=tuple(cast),
        speaker=scene.speaker if scene else None,
        flying=any(w in text.lower() for w in ("fly", "flies", "flying", "soar", "wings")),
        extras=tuple(extras),
        riding=mentions(text, RIDE),
    )


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


def _free_x(taken: list[float], half: float) -> float:
    """The spot (fraction of the width) farthest from those taken, keeping `half` a width
    (a fraction) inside the frame."""
    spots = [0.5, 0.36, 0.64, 0.24, 0.76]
    best = max(spots, key=lambda x: min((abs(x - t) for t in taken), default=1.0))
    return min(max(best, half), 1 - half)


def _layout(c: Canvas, r: Reading) -> list[Placed]:
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
            xf = _free_x(taken, half) + c.rng.uniform(-0.02, 0.02)
            near = bool(r.speaker) and member.id == r.speaker
            facing = -1 if taken and sum(taken) / len(taken) < xf else 1
            placed.append(
                Placed(member, xf * c.width, 0.8 * h, (0.5 if near else 0.46) * h, facing, near)
            )
    return placed


def _draw_figure(c: Canvas, p: Placed, r: Reading, shore: bool) -> Drawn:
    kind, colour = p.cast.kind, p.cast.colour
    if kind == "person":
        assert p.cast.look is not None
        return draw_person(
            c,
            p.x,
            p.feet,
            p.unit,
            p.facing,
            colour,
            p.cast.look,
            speaking=p.near,
            seated=p.seated,
            chair=p.chair,
        )
    lives = p.cast.lives
    if lives == "water":
        base = c.height * (0.66 if shore else 0.74)
        base = max(base, (c.water_y or c.ground_y) + c.height * 0.06)
        return draw_creature(c, kind, p.x, base, p.unit, p.facing, colour)
    if lives == "air":
        if kind in BIRD_COLOURS and not r.flying and any(q.lives == "ground" for q in r.cast):
            branch_y = c.height * 0.5
            edge = c.width * (0.03 if p.x < c.width / 2 else 0.97)
            bark = c.lit((70, 48, 30))
            c.draw.rectangle(
                [
                    edge - c.width * 0.025,
                    branch_y - c.height * 0.3,
                    edge + c.width * 0.025,
                    c.ground_y + c.height * 0.04,
                ],
                fill=bark,
            )
            c.draw.line(
                [(edge, branch_y - c.height * 0.03), (p.x + p.facing * p.unit * 0.25, branch_y)],
                fill=bark,
                width=max(4, c.height // 70),
            )
            return draw_creature(c, kind, p.x, branch_y, p.unit, p.facing, colour)
        return draw_creature(
            c,
            kind,
            p.x,
            c.height * (0.32 if kind == "dragon" else 0.3),
            p.unit,
            p.facing,
            colour,
            flying=True,
        )
    return draw_creature(c, kind, p.x, p.feet, p.unit, p.facing, colour)


def _holder(placed: list[Placed]) -> Placed | None:
    hands = [p for p in placed if p.cast.kind in ("person", "robot")]
    return next((p for p in hands if p.near), hands[0] if hands else None)


@dataclass(frozen=True)
class Shot:
    """The part of the drawn frame the keyframe shows: a crop at `zoom` from (x0, y0)."""

    zoom: float
    x0: float
    y0: float

    def map(self, point: Point) -> Point:
        return ((point[0] - self.x0) * self.zoom, (point[1] - self.y0) * self.zoom)


def shot_for(
    keyframe: int | None, placed: list[Placed], width: int, height: int, keep: list[Point]
) -> Shot:
    """The shot size: the first keyframe is wide (it sets the scene), the next ones cycle
    through medium, wide and close, so consecutive keyframes are framed differently (as an
    editor cuts between shot sizes). A close shot frames the speaker, a medium one all the
    characters, zoomed no further than keeps them and the points of `keep` (a kite) in."""
    zoom = 1.0 if not keyframe else SHOT_SIZES[(keyframe - 1) % len(SHOT_SIZES)]
    if zoom == 1.0 or not placed:
        return Shot(1.0, 0.0, 0.0)
    focus = next((p for p in placed if p.near), None)
    # a close shot holds the speaker; a medium one everyone (a two-shot)
    group = [focus] if focus and zoom >= max(SHOT_SIZES) else placed
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


def _label(c: Canvas, p: Placed, shot: Shot | None = None) -> None:
    """The character's name above them (where `shot` puts their head), kept inside the
    text-safe area."""
    if p.cast.name is None or p.drawn is None:
        return
    top = shot.map(p.drawn.top) if shot else p.drawn.top
    left, right = (
        (shot.map(p.drawn.box[:2])[0], shot.map(p.drawn.box[2:])[0]) if shot else p.drawn.box[::2]
    )
    if min(right, c.width) - max(left, 0) < (right - left) * 0.4:
        return  # the shot leaves them out: no name for someone off screen
    text = p.cast.name
    face = font(max(12, c.height // 32), text)
    bbox = c.draw.textbbox((0, 0), text, font=face, stroke_width=2)
    tw, th = bbox[2] - bbox[0], bbox[3] - bbox[1]
    x = top[0] - tw / 2
    y = top[1] - c.height * 0.015 - th
    x = min(max(x, c.width * TEXT_MARGIN), c.width * (1 - TEXT_MARGIN) - tw)
    y = min(max(y, c.height * TEXT_MARGIN), c.height * TEXT_BOTTOM - th)
    c.draw.text(
        (x - bbox[0], y - bbox[1]),
        text,
        font=face,
        fill=(255, 255, 255),
        stroke_width=2,
        stroke_fill=(0, 0, 0),
    )


def draw_keyframe(step: ImageStep, width: int, height: int, seed: int) -> bytes:
    """The frame for `step` as a PNG, `width` x `height`."""
    from PIL import Image

    r = read(step)
    image = Image.new("RGB", (width, height))
    c = Canvas(
        drawing(image),
        width,
        height,
        random.Random(seed),
        time=r.time,
        sky=palette(r.time, r.mood),
    )
    weather = set(r.weather)
    ground = [m for m in r.cast if m.lives == "ground"]
    # one person and a boat: they are aboard; else anyone on land stands on a shore
    aboard = "boat" in r.props and len(ground) == 1 and ground[0].kind == "person"
    shore = bool(ground) and not aboard
    if r.interior:
        draw_room(c, image, r.interior, weather, city="city" in r.land)
    else:
        c.ground_y = int(height * c.rng.uniform(0.52, 0.6))
        draw_sky(
            c,
            image,
            (0, 0, width, c.ground_y),
            overcast=bool(weather & {"storm", "rain"}),
            small=False,
        )
        draw_clouds(c, weather)
        if r.time == "day" and not weather & {"storm", "rain", "snow"}:
            fair_clouds(c, c.rng.randint(1, 3))
        draw_land(c, set(r.land), snowy="snow" in weather, walkers=shore)
    placed = _layout(c, r)
    props = list(r.props)
    holder = _holder(placed)
    # the props behind the characters
    if "boat" in props and c.water_y is not None:
        spot = next((p for p in placed if p.cast.kind == "person"), None) if aboard else None
        if spot is not None:
            x, unit, facing = spot.x, spot.unit, spot.facing
        else:
            x, unit, facing = _free_x([p.x / width for p in placed], 0.2) * width, height * 0.38, 1
        water = height * (0.68 if shore else 0.78)
        deck = boat(c, x, water, unit, facing, rough="storm" in weather)
        if spot is not None:
            spot.x, spot.feet, spot.unit = deck[0], deck[1], spot.unit * 0.8
    for name in props:
        spot = holder or (placed[0] if placed else None)
        x = spot.x if spot else width * 0.5
        feet = spot.feet if spot else height * 0.84
        unit = spot.unit if spot else height * 0.46
        facing = spot.facing if spot else 1
        if name == "door":
            if r.interior:
                door(c, x - facing * width * 0.13, c.ground_y + 2, height * 0.55, outside=False)
            else:
                door(
                    c,
                    x - facing * width * 0.14,
                    c.ground_y + height * 0.08,
                    height * 0.36,
                    outside=True,
                )
        elif name == "car":
            car(c, x - facing * unit * 0.9, feet - height * 0.04, unit * 0.9, facing)
        elif name in ("table", "chess"):
            standing = [p for p in placed if p.cast.lives == "ground"]
            if len(standing) >= 2:
                a, b = standing[0], standing[1]
                tx, tfeet, tunit = (a.x + b.x) / 2, (a.feet + b.feet) / 2, max(a.unit, b.unit)
            else:
                tx, tfeet, tunit = x + facing * unit * 0.5, feet, unit
            for p in standing[:2]:  # people at a table sit at it, facing it
                if p.cast.kind == "person":
                    p.seated, p.facing = True, 1 if p.x < tx else -1
            table(c, tx, tfeet, tunit, chess=name == "chess")
        elif name == "bike":
            if r.riding and spot is not None and spot.cast.kind == "person":
                pedal = bike(c, x + facing * unit * 0.05, feet, unit, facing)
                spot.x, spot.feet, spot.seated, spot.chair = pedal[0], pedal[1], True, False
            else:
                bike(c, x - facing * unit * 0.35, feet, unit, facing)
    if "fog" in weather:  # the fog veils the land; the characters stand clear in front of it
        image = draw_fog(image)
        c.draw = drawing(image)
    # the water's creatures first (behind), then far to near, the speaker last
    horse = next((p for p in placed if p.cast.kind == "horse"), None)
    if r.riding and horse is not None and holder is not None and holder.cast.kind == "person":
        holder.mount, holder.seated, holder.chair = horse, True, False
        holder.unit, horse.facing = horse.unit, holder.facing
    order = sorted(placed, key=lambda p: (p.near, p.cast.lives != "water", p.feet))
    order.sort(key=lambda p: p.mount is not None)  # a rider after their horse
    for p in order:
        if p.mount is not None and "saddle" in c.marks:  # astride the saddle
            p.x, p.feet = c.marks["saddle"][0], c.marks["saddle"][1] + p.unit * 0.27
        p.drawn = _draw_figure(c, p, r, shore)
    # held props, the kite, a ball
    for name in props:
        who = holder.drawn if holder else None
        if name == "kite":
            anchor = holder.drawn.hand if holder and holder.drawn else None
            kx = (holder.x + holder.facing * width * 0.2) if holder else width * 0.7
            kite(
                c,
                (min(max(kx, width * 0.12), width * 0.88), height * 0.2),
                anchor,
                height * 0.46,
                (230, 60, 80),
            )
        elif name == "ball":
            spot = holder or (placed[0] if placed else None)
            bx = spot.x + spot.facing * spot.unit * 0.3 if spot else width * 0.5
            ball(c, bx, spot.feet if spot else height * 0.84, spot.unit if spot else height * 0.46)
        elif PLACE[name] == "held" and holder and who:
            if name == "umbrella":
                umbrella(c, who, holder.unit, mix(holder.cast.colour, (20, 20, 60), 0.5))
            elif name == "guitar":
                guitar(c, who, holder.unit, holder.facing)
            elif name == "book":
                book(c, who, holder.unit)
            elif name == "lantern":
                lantern(c, who, holder.unit)
            elif name == "paper_boat":
                paper_boat(c, who, holder.unit)
    if not r.interior:
        middle = sum(p.x for p in placed) / len(placed) if placed else None
        draw_weather(c, weather, (0, 0, width, height), clear=middle)
    keep = [c.marks[k] for k in ("kite",) if k in c.marks]
    shot = shot_for(step.keyframe, placed, width, height, keep)
    if shot.zoom > 1.0:
        crop = (shot.x0, shot.y0, shot.x0 + width / shot.zoom, shot.y0 + height / shot.zoom)
        image = image.resize((width, height), Image.Resampling.BILINEAR, box=crop)
        c.draw = drawing(image)
    for p in placed:
        _label(c, p, shot)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False, compress_level=3)
    return buf.getvalue()
