"""Preview keyframes: a storyboard frame drawn from the shot's text, no model weights.

What the frame shows, and where it comes from:
- sky and light: the time of day (dawn, day, dusk, night), tinted by the mood;
- the ground: water, hills, towers, trees or buildings picked from words in the setting
  and the prompt ("sea", "lighthouse", "forest", "street", ...);
- the characters present: a silhouette each, in a colour fixed by the character's id (so
  Ada is the same colour in every shot), with their name under it;
- a caption band with the shot's title or description, and a small keyframe label.

Every random choice comes from the step's seed, so the same step gives byte-identical PNGs
and different keyframes differ. Pillow only; a 1280x720 frame draws in a few ms.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import random
import textwrap

from ...media.fonts import font
from ...schemas import ImageStep, RenderProfile, SceneHint, Step
from ..base import Estimate, Output, StepJob

RGB = tuple[int, int, int]

SKY: dict[str, tuple[RGB, RGB]] = {  # top, horizon
    "dawn": ((70, 80, 140), (245, 170, 120)),
    "day": ((90, 150, 220), (200, 225, 245)),
    "dusk": ((60, 40, 100), (240, 130, 80)),
    "night": ((8, 12, 35), (30, 45, 80)),
}
MOOD_TINT: dict[str, tuple[RGB, float]] = {  # (rgb, strength)
    "joyful": ((255, 210, 90), 0.18),
    "happy": ((255, 210, 90), 0.18),
    "warm": ((255, 170, 90), 0.18),
    "lively": ((255, 150, 60), 0.15),
    "relieved": ((250, 220, 160), 0.12),
    "wondrous": ((150, 120, 255), 0.18),
    "mysterious": ((80, 60, 160), 0.22),
    "tense": ((200, 40, 40), 0.2),
    "menacing": ((160, 20, 20), 0.25),
    "melancholy": ((90, 110, 150), 0.3),
    "lonely": ((100, 120, 160), 0.25),
    "sad": ((90, 100, 140), 0.3),
    "calm": ((110, 190, 180), 0.15),
    "hopeful": ((255, 230, 160), 0.15),
}
SCENERY_WORDS = {
    "water": (
        "sea",
        "ocean",
        "coast",
        "harbour",
        "harbor",
        "lake",
        "river",
        "whale",
        "boat",
        "wave",
    ),
    "tower": ("lighthouse", "tower", "castle", "spire"),
    "trees": ("forest", "wood", "tree", "garden", "park", "jungle"),
    "buildings": ("city", "street", "market", "town", "village", "alley", "shop", "stall"),
    "mountains": ("mountain", "peak", "cliff", "hill", "valley", "rock"),
    "fog": ("fog", "mist", "haze", "smoke", "steam"),
}


def character_colour(char_id: str) -> tuple[int, int, int]:
    """A saturated colour fixed by the id: the same character looks the same in every shot."""
    hue = int.from_bytes(hashlib.sha256(char_id.encode()).digest()[:2], "big") / 65535
    r, g, b = colorsys.hls_to_rgb(hue, 0.55, 0.75)
    return int(r * 255), int(g * 255), int(b * 255)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return r, g, bl


def _scenery(text: str) -> set[str]:
    low = text.lower()
    return {kind for kind, words in SCENERY_WORDS.items() if any(w in low for w in words)}


def _palette(scene: SceneHint | None, prompt: str) -> tuple[RGB, RGB]:
    low = prompt.lower()
    guessed = next((t for t in ("night", "dawn", "dusk") if t in low), "day")
    tod = (scene.time_of_day if scene else None) or guessed
    top, horizon = SKY[tod]
    mood = (scene.mood or "").lower() if scene else ""
    for word, (tint, strength) in MOOD_TINT.items():
        if word in mood:
            top, horizon = _mix(top, tint, strength), _mix(horizon, tint, strength)
            break
    return top, horizon


def draw_keyframe(step: ImageStep, width: int, height: int, seed: int) -> bytes:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    scene = step.scene
    text = " ".join(filter(None, [step.prompt, scene.setting if scene else None]))
    kinds = _scenery(text)
    top, horizon = _palette(scene, step.prompt)
    night = top == SKY["night"][0] or (scene is not None and scene.time_of_day == "night")
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    horizon_y = int(height * rng.uniform(0.5, 0.66))
    for y in range(horizon_y):  # sky gradient
        draw.line([(0, y), (width, y)], fill=_mix(top, horizon, y / max(1, horizon_y - 1)))
    # sun or moon
    r = int(height * rng.uniform(0.05, 0.09))
    cx, cy = int(width * rng.uniform(0.1, 0.9)), int(horizon_y * rng.uniform(0.2, 0.7))
    disc = (235, 235, 215) if night else _mix(horizon, (255, 245, 200), 0.7)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=disc)
    if night:
        for _ in range(60):
            x, y = rng.randrange(width), rng.randrange(max(1, horizon_y - 10))
            draw.point((x, y), fill=(220, 220, 240))
    ground = _mix(horizon, (20, 25, 30), 0.6)
    if "mountains" in kinds:
        for _ in range(3):
            base = rng.uniform(-0.1, 0.9) * width
            w, h = rng.uniform(0.25, 0.5) * width, rng.uniform(0.15, 0.3) * height
            draw.polygon(
                [(base, horizon_y), (base + w / 2, horizon_y - h), (base + w, horizon_y)],
                fill=_mix(ground, top, 0.3),
            )
    if "water" in kinds:
        sea = _mix(top, (10, 40, 70), 0.5)
        draw.rectangle([0, horizon_y, width, height], fill=sea)
        for i in range(14):  # wave lines
            y = horizon_y + int((height - horizon_y) * (i + rng.random()) / 14)
            x0 = rng.randrange(width)
            draw.line([(x0, y), (x0 + width // 6, y)], fill=_mix(sea, horizon, 0.35), width=2)
    else:
        draw.rectangle([0, horizon_y, width, height], fill=ground)
        for i in range(5):  # rolling ground bands
            y = horizon_y + int((height - horizon_y) * i / 5)
            draw.ellipse(
                [rng.uniform(-0.3, 0.5) * width, y, rng.uniform(0.6, 1.3) * width, y + height // 4],
                fill=_mix(ground, horizon, 0.08 * (i + 1)),
            )
    if "buildings" in kinds:
        x = 0
        while x < width:
            w, h = rng.randint(width // 16, width // 8), rng.randint(height // 8, height // 3)
            draw.rectangle([x, horizon_y - h, x + w, horizon_y], fill=_mix(ground, top, 0.15))
            for _ in range(3):
                wx, wy = (
                    x + rng.randint(4, max(5, w - 12)),
                    horizon_y - rng.randint(8, max(9, h - 8)),
                )
                draw.rectangle([wx, wy, wx + 6, wy + 8], fill=(250, 210, 120))
            x += w + rng.randint(2, 12)
    if "trees" in kinds:
        for _ in range(9):
            tree_x, tree_h = rng.uniform(0, width), rng.uniform(0.12, 0.25) * height
            draw.polygon(
                [
                    (tree_x - tree_h / 4, horizon_y + 5),
                    (tree_x, horizon_y - tree_h),
                    (tree_x + tree_h / 4, horizon_y + 5),
                ],
                fill=_mix(ground, (20, 80, 40), 0.5),
            )
    if "tower" in kinds:
        tx, th, tw = rng.uniform(0.62, 0.88) * width, 0.45 * height, 0.035 * width
        draw.polygon(
            [
                (tx - tw, horizon_y),
                (tx - tw * 0.6, horizon_y - th),
                (tx + tw * 0.6, horizon_y - th),
                (tx + tw, horizon_y),
            ],
            fill=(225, 225, 220),
        )
        for k in range(1, 4):  # red bands
            band_y = horizon_y - th * k / 4
            draw.rectangle(
                [tx - tw * 0.8, band_y - 8, tx + tw * 0.8, band_y + 8], fill=(170, 40, 40)
            )
        lamp = (255, 235, 150)
        draw.ellipse([tx - tw * 0.7, horizon_y - th - 28, tx + tw * 0.7, horizon_y - th], fill=lamp)
        if night or "beam" in text.lower():
            side = -1 if rng.random() < 0.5 else 1
            draw.polygon(
                [
                    (tx, horizon_y - th - 14),
                    (tx + side * width * 0.6, horizon_y - th - 90),
                    (tx + side * width * 0.6, horizon_y - th + 40),
                ],
                fill=_mix(top, lamp, 0.35),
            )
    if "fog" in kinds:
        fog = Image.new("RGB", (width, height), (200, 205, 210))
        img = Image.blend(img, fog, 0.35)
        draw = ImageDraw.Draw(img)
    # characters: silhouettes with their names, spread over the lower third
    chars = scene.characters if scene else []
    for k, char in enumerate(chars):
        name_font = font(max(12, height // 30), char.name)  # a CJK name needs a CJK face
        colour = character_colour(char.id)
        body_x = width * (k + 1) / (len(chars) + 1) + rng.uniform(-0.04, 0.04) * width
        feet = height * rng.uniform(0.8, 0.86)
        h = height * 0.28
        head = h * 0.13
        draw.rounded_rectangle(
            [body_x - h * 0.14, feet - h * 0.72, body_x + h * 0.14, feet],
            radius=int(h * 0.08),
            fill=colour,
        )
        draw.ellipse(
            [body_x - head, feet - h * 0.72 - 2 * head, body_x + head, feet - h * 0.72], fill=colour
        )
        label_w = draw.textlength(char.name, font=name_font)
        draw.text(
            (body_x - label_w / 2, feet + 4),
            char.name,
            font=name_font,
            fill=(255, 255, 255),
            stroke_width=2,
            stroke_fill=(0, 0, 0),
        )
    # caption band and label
    caption = (scene.caption if scene and scene.caption else step.prompt).strip()
    cap_font = font(max(12, height // 26), caption)
    line_h = int(cap_font.size * 1.3) if hasattr(cap_font, "size") else height // 20
    lines = textwrap.wrap(caption, width=max(20, int(width / (cap_font.size * 0.55))))[:2]
    band = len(lines) * line_h + 16
    overlay = Image.new("RGBA", (width, band), (0, 0, 0, 150))
    img.paste(overlay, (0, 0), overlay)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((16, 8 + i * line_h), line, font=cap_font, fill=(255, 255, 255))
    label = f"kf {step.keyframe if step.keyframe is not None else '-'}"
    if scene:
        label += f" | {scene.shot_id}"
    small = font(max(10, height // 40))
    draw.text(
        (width - draw.textlength(label, font=small) - 12, height - small.size - 12),
        label,
        font=small,
        fill=(255, 255, 255),
        stroke_width=1,
        stroke_fill=(0, 0, 0),
    )
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=3)
    return buf.getvalue()


class ProceduralKeyframes:
    concurrent = True  # steps share nothing: the engine may run several at once
    name = "procedural_keyframes"
    version = "1"
    model_id = None

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        assert isinstance(step, ImageStep)
        profile = job.context.render_profile
        width = step.opts.width or profile.width
        height = step.opts.height or profile.height
        seed = step.opts.seed if step.opts.seed is not None else 0
        outputs = []
        for n in range(step.count):
            png = draw_keyframe(step, width, height, seed + n)
            outputs.append(
                Output(
                    name=f"{step.id}-{n}.png" if step.count > 1 else f"{step.id}.png",
                    data=png,
                    mime_type="image/png",
                    artifact_type="keyframe",
                    metadata={"width": width, "height": height, "seed": seed + n},
                )
            )
        return outputs

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        pixels = profile.width * profile.height
        return Estimate(time_s=0.05 + pixels / 20e6, peak_memory_mb=pixels * 4 / 1e6 * 3)
