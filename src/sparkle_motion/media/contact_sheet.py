"""A contact sheet: several images on one PNG, each labelled, for a person to review at a glance."""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from pathlib import Path

THUMB_W = 320
LABEL_H = 24
GAP = 8


def contact_sheet(images: Sequence[tuple[str, Path]], out: Path, *, columns: int = 4) -> Path:
    """Write `images` ((label, path) pairs) as a grid of thumbnails to `out` (atomically).
    An image that cannot be read gets a crossed-out tile, so the sheet still shows its slot."""
    from PIL import Image, ImageDraw

    from .fonts import font, printable

    if not images:
        raise ValueError("contact_sheet needs at least one image")
    thumbs: list[tuple[str, Image.Image | None]] = []
    for label, path in images:
        try:
            with Image.open(path) as opened:
                im = opened.convert("RGB")
                height = max(1, round(im.height * THUMB_W / im.width))
                thumbs.append((label, im.resize((THUMB_W, height))))
        except (OSError, ValueError):
            thumbs.append((f"{label} (unreadable)", None))
    tile_h = max((t.height for _, t in thumbs if t is not None), default=THUMB_W * 9 // 16)
    cols = min(columns, len(thumbs))
    rows = math.ceil(len(thumbs) / cols)
    sheet = Image.new(
        "RGB",
        (cols * (THUMB_W + GAP) + GAP, rows * (tile_h + LABEL_H + GAP) + GAP),
        (24, 24, 28),
    )
    draw = ImageDraw.Draw(sheet)
    for n, (label, thumb) in enumerate(thumbs):
        x = GAP + (n % cols) * (THUMB_W + GAP)
        y = GAP + (n // cols) * (tile_h + LABEL_H + GAP)
        if thumb is None:
            draw.rectangle([x, y, x + THUMB_W, y + tile_h], outline=(200, 60, 60), width=2)
            draw.line([x, y, x + THUMB_W, y + tile_h], fill=(200, 60, 60), width=2)
        else:
            sheet.paste(thumb, (x, y))
        # a font per label: a CJK or emoji label gets one that draws it
        label = printable(label)
        draw.text((x + 2, y + tile_h + 4), label, fill=(235, 235, 235), font=font(14, label))
    buf = io.BytesIO()
    sheet.save(buf, "PNG")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, out)
    return out
