"""A storyboard frame from a keyframe step: what it shows (`reading.read`), where each
thing goes (`framing`, `staging`) and in what order it is drawn (`draw_keyframe`).

What is drawn, from the step's prompt, the shot's setting and its characters:
- a room (cafe, kitchen, library, shop, classroom, any room) or the land outside (sea,
  beach, lake, river, forest, park, city, mountain, hill, desert, field, lighthouse);
- the time of day: the sky's colours, the sun, or a moon with stars and lit windows;
- the weather (storm, rain, snow, fog, wind) and the props the prompt names;
- each character by kind: a person (adult, child, old) in their colour, or an animal or
  creature; creatures the prompt names that are not characters are drawn too, unnamed.

Composition: the shot's speaker stands nearer (larger, lower, on a third) and raises an
arm; the others stand further back; two characters face each other. The first keyframe is
a wide shot; later ones cycle through medium, wide and close shots on the speaker. Each
character's name is written small above them, never in the bottom quarter (the subtitles'
band) nor in the outer 8% (a camera move crops it); nothing else is written on the frame.

Every random choice comes from the seed: the same step and seed give byte-identical PNGs.
"""

from __future__ import annotations

import io
import random

from ....media.fonts import font
from ....schemas import ImageStep
from .canvas import Canvas, Drawn, drawing
from .creatures import BIRD_COLOURS, draw_creature
from .exteriors import draw_land
from .figures import draw_person
from .framing import Placed, Shot, layout, shot_for
from .interiors import draw_room
from .reading import Reading, read
from .sky import draw_sky, fair_clouds, palette
from .staging import mount_riders, stage_behind, stage_in_front
from .weather import draw_clouds, draw_fog, draw_weather

TEXT_BOTTOM = 0.75  # no text below this fraction of the frame's height (subtitles)
TEXT_MARGIN = 0.08  # nor this near an edge: a zoom_in (1.18x) crops 7.6% off each side


def draw_figure(c: Canvas, p: Placed, r: Reading, shore: bool) -> Drawn:
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
            if r.interior:  # indoors: a beam along the wall
                c.draw.line(
                    [(0, branch_y), (c.width, branch_y)], fill=bark, width=max(5, c.height // 50)
                )
            else:  # outdoors: a branch from a tree at the edge
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
                    [
                        (edge, branch_y - c.height * 0.03),
                        (p.x + p.facing * p.unit * 0.25, branch_y),
                    ],
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
    return draw_creature(c, kind, p.x, p.feet, p.unit, p.facing, colour, coat=p.cast.coat)


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
    placed = layout(c, r)
    stage_behind(c, r, placed, aboard=aboard, shore=shore)
    if "fog" in weather:  # the fog veils the land; the characters stand clear in front of it
        image = draw_fog(image)
        c.draw = drawing(image)
    mount_riders(r, placed)
    # the water's creatures first (behind), then far to near, the speaker last
    order = sorted(placed, key=lambda p: (p.near, p.cast.lives != "water", p.feet))
    order.sort(key=lambda p: p.mount is not None)  # a rider after their horse
    for p in order:
        if p.mount is not None and "saddle" in c.marks:  # astride the saddle
            p.x, p.feet = c.marks["saddle"][0], c.marks["saddle"][1] + p.unit * 0.27
        p.drawn = draw_figure(c, p, r, shore)
    stage_in_front(c, r, placed)
    if not r.interior:
        middle = sum(p.x for p in placed) / len(placed) if placed else None
        draw_weather(c, weather, (0, 0, width, height), clear=middle)
    keep = [c.marks[k] for k in ("kite",) if k in c.marks]
    landmarks = [c.marks[k] for k in ("lighthouse",) if k in c.marks]
    shot = shot_for(step.keyframe, placed, width, height, keep, landmarks)
    if shot.zoom > 1.0:
        crop = (shot.x0, shot.y0, shot.x0 + width / shot.zoom, shot.y0 + height / shot.zoom)
        image = image.resize((width, height), Image.Resampling.BILINEAR, box=crop)
        c.draw = drawing(image)
    for p in placed:
        _label(c, p, shot)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False, compress_level=3)
    return buf.getvalue()
