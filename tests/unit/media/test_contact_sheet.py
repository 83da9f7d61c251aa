"""The contact sheet a keyframe review shows."""

from __future__ import annotations

import pytest
from PIL import Image

from sparkle_motion.media.contact_sheet import GAP, LABEL_H, THUMB_W, contact_sheet


def test_a_grid_of_labelled_thumbnails_and_a_marked_unreadable_tile(tmp_path):
    paths = []
    for n, colour in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255)]):
        path = tmp_path / f"kf{n}.png"
        Image.new("RGB", (640, 360), colour).save(path)
        paths.append((f"keyframe {n}", path))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    paths.append(("keyframe 3", broken))
    paths.append(("keyframe 4", tmp_path / "missing.png"))
    out = contact_sheet(paths, tmp_path / "review" / "sheet.png", columns=3)
    sheet = Image.open(out).convert("RGB")
    tile_h = 180  # 640x360 scaled to 320 wide
    assert sheet.size == (3 * (THUMB_W + GAP) + GAP, 2 * (tile_h + LABEL_H + GAP) + GAP)
    centre = lambda col, row: (  # noqa: E731
        GAP + col * (THUMB_W + GAP) + THUMB_W // 2 + 40,
        GAP + row * (tile_h + LABEL_H + GAP) + tile_h // 2,
    )
    assert sheet.getpixel(centre(0, 0)) == (255, 0, 0)
    assert sheet.getpixel(centre(1, 0)) == (0, 255, 0)
    assert sheet.getpixel(centre(2, 0)) == (0, 0, 255)
    # the unreadable tile is an outline, not a picture
    assert sheet.getpixel(centre(0, 1)) == (24, 24, 28)
    assert not list((tmp_path / "review").glob(".*tmp"))  # written atomically


def test_nothing_to_show_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="at least one image"):
        contact_sheet([], tmp_path / "s.png")


def test_a_cjk_label_is_drawn_with_glyphs(tmp_path):
    from sparkle_motion.media.fonts import missing_font

    if missing_font("你"):
        pytest.skip("needs fonts-noto-cjk (`make setup` installs it: scripts/apt_deps.sh)")
    path = tmp_path / "kf.png"
    Image.new("RGB", (640, 360), (0, 0, 0)).save(path)
    labels = []
    for n, label in enumerate(["月光 灯塔", "灯塔 月光"]):
        out = contact_sheet([(label, path)], tmp_path / f"s{n}.png")
        sheet = Image.open(out).convert("L")
        labels.append(sheet.crop((0, 180 + GAP, sheet.width, sheet.height)).tobytes())
    assert labels[0] != labels[1]  # empty boxes would look the same in either order


def test_control_characters_in_a_label_do_not_break_the_sheet(tmp_path):
    path = tmp_path / "kf.png"
    Image.new("RGB", (64, 36), (0, 0, 0)).save(path)
    out = contact_sheet([("a\rb\x85c\u2029d\x00e", path)], tmp_path / "s.png")
    assert Image.open(out).size[0] > 0  # Pillow's layout fails on \r, U+0085 and U+2029
