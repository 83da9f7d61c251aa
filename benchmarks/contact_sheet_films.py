"""A contact sheet of preview films: one row per idea, a frame from the middle of each shot
(at most six), the idea written above its row.

    .venv/bin/python benchmarks/contact_sheet_films.py [-o PATH] [IDEA_OR_CORPUS_ID ...]

Each film is made as a user makes it, `sparkle-motion run "IDEA" -o film.mp4` in a fresh
process and a throwaway state home (benchmarks/preview_quality.py's `make_film`). The
default ideas are the chess cafe and the README's lighthouse keeper (both from issue 18)
and a Spanish one; an argument that is an id of tests/data/ideas/ picks that idea, any
other argument is the idea itself. Writes a PNG (default docs/images/preview-contact-sheet.png).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import preview_quality as pq
from tests.support.idea_facts import load

DEFAULT_IDEAS = ("chess-cafe", "lighthouse-whale", "es-nina-playa")
DEFAULT_OUT = pq.REPO / "docs" / "images" / "preview-contact-sheet.png"
PER_ROW = 6
THUMB_W, THUMB_H = 320, 180
GAP, HEADER_H, CAPTION_H = 8, 30, 18


def idea_of(arg: str) -> str:
    corpus = {e["id"]: e["idea"] for name in ("dev", "heldout") for e in load(name)}
    return corpus.get(arg, arg)


def shot_middles(plan: dict[str, Any], lead_s: float) -> list[tuple[str, float]]:
    """(shot id, film time of its middle) for at most PER_ROW shots spread over the film."""
    spans, t = [], lead_s
    for shot in plan["shots"]:
        spans.append((shot["id"], t + float(shot["duration_s"]) / 2))
        t += float(shot["duration_s"])
    if len(spans) <= PER_ROW:
        return spans
    picks = np.linspace(0, len(spans) - 1, PER_ROW).round().astype(int)
    return [spans[i] for i in picks]


def frame_at(film: Path, seconds: float) -> bytes:
    return pq.decode(
        [
            "-ss",
            f"{seconds:.3f}",
            "-i",
            str(film),
            "-frames:v",
            "1",
            "-vf",
            f"scale={THUMB_W}:{THUMB_H}",
            "-f",
            "image2pipe",
            "-c:v",
            "png",
        ]
    )


def film_row(idea: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Make the film of `idea`; its frames at the shots' middles with their captions."""
    with tempfile.TemporaryDirectory(prefix="bench-sheet-") as tmp:
        root = Path(tmp)
        made = pq.make_film(root, idea)
        film = root / "film.mp4"
        plan = pq.run_plan(root, "film")
        records = pq.step_records(root, "film")
        paths = pq.keyframe_paths(plan, records)
        lead = 0.0
        if paths and paths[0] is not None:
            shots_s = sum(float(s["duration_s"]) for s in plan["shots"])
            extra = pq.film_duration(film) - shots_s
            lead = pq.lead_in(pq.film_frames(film), pq.gray_image(paths[0]), extra)
        frames = [(f"{sid} {t:.1f} s", frame_at(film, t)) for sid, t in shot_middles(plan, lead)]
    print(f"{made:5.1f} s  {idea}", file=sys.stderr)
    return idea, frames


def draw_sheet(rows: list[tuple[str, list[tuple[str, bytes]]]], out: Path) -> Path:
    from PIL import Image, ImageDraw

    from sparkle_motion.media.fonts import font, printable

    width = GAP + PER_ROW * (THUMB_W + GAP)
    row_h = HEADER_H + THUMB_H + CAPTION_H + GAP
    sheet = Image.new("RGB", (width, GAP + len(rows) * row_h), (24, 24, 28))
    draw = ImageDraw.Draw(sheet)
    for r, (idea, frames) in enumerate(rows):
        y = GAP + r * row_h
        label = printable(f"“{idea}”")
        draw.text((GAP, y + 4), label, fill=(240, 240, 240), font=font(18, label))
        for c, (caption, png) in enumerate(frames):
            x = GAP + c * (THUMB_W + GAP)
            with Image.open(io.BytesIO(png)) as im:
                sheet.paste(im.convert("RGB").resize((THUMB_W, THUMB_H)), (x, y + HEADER_H))
            draw.text(
                (x + 2, y + HEADER_H + THUMB_H + 2),
                caption,
                fill=(170, 170, 170),
                font=font(12, caption),
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    sheet.save(tmp, "PNG")
    os.replace(tmp, out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ideas", nargs="*", default=list(DEFAULT_IDEAS))
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    rows = [film_row(idea_of(arg)) for arg in args.ideas]
    print(draw_sheet(rows, args.output))


if __name__ == "__main__":
    main()
