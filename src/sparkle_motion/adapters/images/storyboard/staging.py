"""Props placed around the cast: behind them (a boat on the water, and a lone sailor
aboard it; a door, a car, a table that the two nearest sit at, a bike, ridden when the
words say so), and in front of them (a kite in the sky on a string from a hand, a ball at
the feet, and what a hand holds: an umbrella, a guitar, a book, a lantern, a paper boat).
A horse someone rides takes them on its saddle."""

from __future__ import annotations

from .canvas import Canvas, mix
from .framing import Placed, free_x
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
    piano,
    table,
    umbrella,
)
from .reading import Reading


def holder_of(placed: list[Placed]) -> Placed | None:
    """Who holds things: the speaker if they have hands, else the first who has."""
    hands = [p for p in placed if p.cast.kind in ("person", "robot")]
    return next((p for p in hands if p.near), hands[0] if hands else None)


def stage_behind(c: Canvas, r: Reading, placed: list[Placed], *, aboard: bool, shore: bool) -> None:
    """The props the characters stand before, drawn now; moves whoever sits or boards."""
    width, height = c.width, c.height
    weather = r.weather
    props = list(r.props)
    holder = holder_of(placed)
    if "boat" in props and c.water_y is not None:
        spot = next((p for p in placed if p.cast.kind == "person"), None) if aboard else None
        if spot is not None:
            x, unit, facing = spot.x, spot.unit, spot.facing
        else:
            x, unit, facing = free_x([p.x / width for p in placed], 0.2) * width, height * 0.38, 1
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
        elif name == "piano":
            piano(c, x - facing * unit * 0.6, min(feet, c.ground_y + height * 0.12), unit)
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


def mount_riders(r: Reading, placed: list[Placed]) -> None:
    """Someone who rides, with a horse in the shot, rides it (drawn after it, on its saddle)."""
    holder = holder_of(placed)
    horse = next((p for p in placed if p.cast.kind == "horse"), None)
    if r.riding and horse is not None and holder is not None and holder.cast.kind == "person":
        holder.mount, holder.seated, holder.chair = horse, True, False
        holder.unit, horse.facing = horse.unit, holder.facing


def stage_in_front(c: Canvas, r: Reading, placed: list[Placed]) -> None:
    """The props drawn over the characters: the kite, a ball, what a hand holds."""
    width, height = c.width, c.height
    props = list(r.props)
    holder = holder_of(placed)
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
