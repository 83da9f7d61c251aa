"""People: a silhouette in the character's colour (clothes), with a build (adult, child,
or an old person with a stick), a face turned the way they face, and one or two features
that tell them apart (a hat, a crown, a scarf, long hair, a beard, glasses) taken from
their appearance, or from their id when it names none. A speaker raises the front arm."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .canvas import RGB, Canvas, Drawn, darker, mix, tint_of
from .words import PEOPLE, mentions

SKIN: tuple[RGB, ...] = ((240, 205, 175), (214, 170, 130), (170, 120, 85), (120, 80, 55))
HAIR: tuple[RGB, ...] = ((40, 30, 25), (95, 60, 30), (200, 160, 80), (150, 70, 30))
GREY_HAIR: RGB = (200, 200, 205)
FEATURES = ("hat", "scarf", "long_hair", "glasses")


@dataclass(frozen=True)
class Look:
    build: str  # "adult", "child" or "old"
    female: bool
    features: frozenset[str]
    skin: RGB
    hair: RGB
    scarf: RGB | None = None  # a colour the appearance names for it ("a red scarf")
    hat: RGB | None = None


def _pick(char_id: str, salt: str, n: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}:{char_id}".encode()).digest()[:2], "big") % n


def look_of(char_id: str, words: str) -> Look:
    """What a person looks like, from the words of their name and appearance; what those
    leave open comes from the id, so it is the same in every shot."""
    build = "child" if mentions(words, PEOPLE["child"]) else "adult"
    if build == "adult" and mentions(words, PEOPLE["old"]):
        build = "old"
    features = {
        f
        for f in ("crown", "hat", "scarf", "beard", "long_hair", "glasses")
        if mentions(words, PEOPLE[f])
    }
    female = mentions(words, PEOPLE["female"])
    if not features - {"beard"}:
        features.add(FEATURES[_pick(char_id, "feature", len(FEATURES))])
    if female and build != "child":
        features.discard("beard")
    hair = GREY_HAIR if build == "old" else HAIR[_pick(char_id, "hair", len(HAIR))]
    return Look(
        build,
        female,
        frozenset(features),
        SKIN[_pick(char_id, "skin", len(SKIN))],
        hair,
        scarf=tint_of(words, PEOPLE["scarf"]),
        hat=tint_of(words, PEOPLE["hat"]),
    )


def draw_person(
    c: Canvas,
    x: float,
    feet: float,
    height: float,
    facing: int,
    colour: RGB,
    look: Look,
    *,
    speaking: bool,
    seated: bool = False,
    chair: bool = True,
) -> Drawn:
    """A person `height` px tall standing (a child shorter), or sitting (on a chair, or
    astride a saddle when `chair` is false) at knee height, knees toward `facing`."""
    d, f = c.draw, facing
    if look.build == "child":
        height *= 0.68
    head_r = height * (0.1 if look.build == "child" else 0.075)
    stoop = height * 0.04 * f if look.build == "old" else 0.0
    hip_y = feet - height * (0.4 if look.build != "child" else 0.36)
    shoulder_y = feet - height * 0.8 + head_r * 0.2
    half = height * 0.11
    trousers = darker(colour, 0.45)
    limb = max(3, int(height * 0.06))
    if seated:
        sink = hip_y - (feet - height * 0.27)  # negative: the hip comes down to the seat
        hip_y, shoulder_y = hip_y - sink, shoulder_y - sink
        _chair_and_legs(
            c, x, feet, hip_y, height, f, colour if look.female else trousers, limb, chair=chair
        )
    for side in () if seated else (-1, 1):  # standing legs
        lx = x + side * half * 0.45
        d.line(
            [(lx, hip_y), (lx + side * height * 0.02, feet - limb * 0.5)], fill=trousers, width=limb
        )
        d.ellipse(
            [
                lx - limb * 0.6 + f * limb * 0.4,
                feet - limb * 0.8,
                lx + limb * 0.9 + f * limb * 0.4,
                feet + limb * 0.2,
            ],
            fill=(40, 32, 28),
        )
    # back arm (behind the body)
    d.line(
        [
            (x - f * half * 0.6 + stoop, shoulder_y + limb),
            (x - f * half * 0.9, hip_y + height * 0.02),
        ],
        fill=darker(colour, 0.2),
        width=limb,
    )
    # body: a coat or a dress
    if look.female:
        d.polygon(
            [
                (x - half * 0.8 + stoop, shoulder_y),
                (x + half * 0.8 + stoop, shoulder_y),
                (x + half * 1.25, hip_y + height * (0.03 if seated else 0.14)),
                (x - half * 1.25, hip_y + height * (0.03 if seated else 0.14)),
            ],
            fill=colour,
        )
    else:
        d.rounded_rectangle(
            [x - half + stoop, shoulder_y, x + half + stoop * 0.5, hip_y + height * 0.04],
            radius=int(half * 0.5),
            fill=colour,
        )
    neck_x = x + stoop * 1.5
    head_cx, head_cy = neck_x + f * head_r * 0.15, shoulder_y - head_r * 0.95
    if "scarf" in look.features:
        scarf = look.scarf or (
            mix(colour, (255, 255, 255), 0.55) if sum(colour) < 400 else darker(colour, 0.55)
        )
        d.rounded_rectangle(
            [
                neck_x - half * 0.75,
                shoulder_y - limb * 0.4,
                neck_x + half * 0.75,
                shoulder_y + limb * 0.6,
            ],
            radius=limb // 2,
            fill=scarf,
        )
        d.line(
            [
                (neck_x - f * half * 0.5, shoulder_y),
                (neck_x - f * half * 0.9, shoulder_y + height * 0.16),
            ],
            fill=scarf,
            width=limb,
        )
    # front arm: raised toward the other when speaking, else down
    sx, sy = x + f * half * 0.6 + stoop, shoulder_y + limb
    hand = (
        (x + f * height * 0.2, shoulder_y - height * 0.04)
        if speaking
        else (x + f * half * 1.1, hip_y + height * 0.02)
    )
    d.line([(sx, sy), hand], fill=mix(colour, (255, 255, 255), 0.12), width=limb)
    d.ellipse(
        [hand[0] - limb * 0.6, hand[1] - limb * 0.6, hand[0] + limb * 0.6, hand[1] + limb * 0.6],
        fill=look.skin,
    )
    if look.build == "old":  # a walking stick, in the front hand when it is free
        stick_hand = hand if not speaking else (x - f * half * 0.9, hip_y + height * 0.02)
        d.line(
            [stick_hand, (stick_hand[0] + f * height * 0.03, feet)],
            fill=(110, 75, 40),
            width=max(2, limb // 2),
        )
    # head
    if "long_hair" in look.features:
        d.rounded_rectangle(
            [
                head_cx - head_r * 1.05 - f * head_r * 0.3,
                head_cy - head_r,
                head_cx + head_r * 1.05 - f * head_r * 0.3,
                head_cy + head_r * 2.0,
            ],
            radius=int(head_r * 0.8),
            fill=look.hair,
        )
    d.ellipse(
        [head_cx - head_r, head_cy - head_r, head_cx + head_r, head_cy + head_r], fill=look.skin
    )
    back = (110, 270) if f > 0 else (270, 430)
    d.pieslice(
        [head_cx - head_r, head_cy - head_r, head_cx + head_r, head_cy + head_r],
        *back,
        fill=look.hair,
    )
    d.chord(
        [
            head_cx - head_r * 1.03,
            head_cy - head_r * 1.08,
            head_cx + head_r * 1.03,
            head_cy + head_r * 0.5,
        ],
        180,
        360,
        fill=look.hair,
    )
    if "beard" in look.features:
        d.chord(
            [
                head_cx - head_r * 0.8,
                head_cy - head_r * 0.2,
                head_cx + head_r * 0.9,
                head_cy + head_r * 1.2,
            ],
            0,
            180,
            fill=look.hair,
        )
    d.polygon(
        [
            (head_cx + f * head_r * 0.9, head_cy - head_r * 0.1),
            (head_cx + f * head_r * 1.25, head_cy + head_r * 0.25),
            (head_cx + f * head_r * 0.85, head_cy + head_r * 0.35),
        ],
        fill=look.skin,
    )  # nose
    eye = max(1.5, head_r * 0.13)
    ex, ey = head_cx + f * head_r * 0.5, head_cy - head_r * 0.1
    d.ellipse([ex - eye, ey - eye, ex + eye, ey + eye], fill=(30, 25, 25))
    if "glasses" in look.features:
        d.ellipse(
            [ex - eye * 3, ey - eye * 3, ex + eye * 3, ey + eye * 3],
            outline=(30, 30, 30),
            width=max(1, int(eye * 0.8)),
        )
    top = head_cy - head_r
    if "crown" in look.features:
        gold = (235, 190, 50)
        w = head_r * 0.9
        d.polygon(
            [
                (head_cx - w, top + head_r * 0.25),
                (head_cx - w, top - head_r * 0.55),
                (head_cx - w * 0.5, top - head_r * 0.1),
                (head_cx, top - head_r * 0.65),
                (head_cx + w * 0.5, top - head_r * 0.1),
                (head_cx + w, top - head_r * 0.55),
                (head_cx + w, top + head_r * 0.25),
            ],
            fill=gold,
        )
        top -= head_r * 0.65
    elif "hat" in look.features:
        hat = look.hat or darker(colour, 0.55)
        d.rectangle(
            [
                head_cx - head_r * 1.5,
                top + head_r * 0.15,
                head_cx + head_r * 1.5,
                top + head_r * 0.38,
            ],
            fill=hat,
        )
        d.rounded_rectangle(
            [
                head_cx - head_r * 0.95,
                top - head_r * 0.6,
                head_cx + head_r * 0.95,
                top + head_r * 0.3,
            ],
            radius=int(head_r * 0.3),
            fill=hat,
        )
        top -= head_r * 0.6
    box = (x - height * 0.25, top, x + height * 0.25, feet)
    return Drawn(top=(head_cx, top), hand=hand, feet=(x, feet), box=box)


def _chair_and_legs(
    c: Canvas,
    x: float,
    feet: float,
    seat: float,
    height: float,
    f: int,
    thigh: RGB,
    limb: int,
    *,
    chair: bool,
) -> None:
    """A wooden chair under a sitting person (unless they ride), and their legs: thighs
    forward along the seat, shins down to the floor (or the pedals, or the stirrups)."""
    if chair:
        wood = c.lit((96, 62, 38))
        bar = max(2, int(height * 0.025))
        back_x, front_x = x - f * height * 0.13, x + f * height * 0.12
        c.draw.line([(back_x, seat - height * 0.34), (back_x, feet)], fill=wood, width=bar)
        c.draw.line([(front_x, seat), (front_x, feet)], fill=wood, width=bar)
        c.draw.line(
            [(back_x, seat + limb * 0.6), (front_x, seat + limb * 0.6)], fill=wood, width=bar
        )
    knee = (x + f * height * 0.2, seat)
    c.draw.line([(x, seat), knee], fill=thigh, width=limb + 1)
    c.draw.line([knee, (knee[0], feet - limb * 0.5)], fill=darker(thigh, 0.25), width=limb)
    c.draw.ellipse(
        [knee[0] - limb * 0.5 + f * limb * 0.3, feet - limb * 0.8,
         knee[0] + limb * 0.9 + f * limb * 0.3, feet + limb * 0.2],
        fill=(40, 32, 28),
    )  # fmt: skip
