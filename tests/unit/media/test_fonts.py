"""The font a line of text is drawn with: CJK with Noto Sans CJK, emoji with Symbola,
everything else with DejaVu Sans; and glyphs, not empty boxes, when drawn with Pillow."""

from __future__ import annotations

import pytest

from sparkle_motion.media import fonts
from sparkle_motion.media.fonts import font, font_for, missing_font, script_of


def test_the_script_a_line_needs():
    assert script_of("Sail far, little boat! Ünïcödé") is None
    assert script_of("你好 world") == "cjk"
    assert script_of("こんにちは世界") == "cjk-jp"  # kana: the JP face
    assert script_of("안녕하세요") == "cjk-kr"
    assert script_of("a whale 🐋") == "emoji"
    assert script_of("月 🌙") == "cjk"  # CJK wins: an emoji in it comes by fallback


def _need(package: str, sample: str):
    if missing_font(sample) == package:
        pytest.skip(f"needs {package} (`make setup` installs it: scripts/apt_deps.sh)")


def test_the_face_chosen_for_a_line():
    assert font_for("hello") is None or font_for("hello").family == "DejaVu Sans"
    _need("fonts-noto-cjk", "你")
    _need("fonts-symbola", "🐋")
    assert font_for("你好").family == "Noto Sans CJK SC"
    assert font_for("ねこ").family == "Noto Sans CJK JP"
    assert font_for("안녕").family == "Noto Sans CJK KR"
    assert font_for("🐋").family == "Symbola" and missing_font("🐋") is None


def test_a_missing_font_falls_back_and_is_named(monkeypatch):
    monkeypatch.setattr(fonts, "CJK_CANDIDATES", ("/nonexistent/NotoSansCJK-Regular.ttc",))
    fonts._face.cache_clear()
    try:
        face = font_for("你好")
        assert face is None or face.family == "DejaVu Sans"
        assert missing_font("你好") == "fonts-noto-cjk" and missing_font("hello") is None
    finally:
        fonts._face.cache_clear()


def _ink(text: str, size: int = 32):
    from PIL import Image, ImageDraw

    img = Image.new("L", (size * (len(text) + 1), size * 2), 0)
    ImageDraw.Draw(img).text((4, 4), text, fill=255, font=font(size, text))
    return img.tobytes()


@pytest.mark.parametrize(
    ("package", "text", "swapped"),
    [("fonts-noto-cjk", "你好世界", "界世好你"), ("fonts-symbola", "🐋🌙🚀", "🚀🌙🐋")],
)
def test_pillow_draws_glyphs_not_boxes(package, text, swapped):
    """Distinct characters in another order give another picture only when each has a
    glyph: empty boxes look the same in any order."""
    _need(package, text)
    assert any(_ink(text)) and _ink(text) != _ink(swapped)


def test_the_check_tells_boxes_from_glyphs(monkeypatch):
    monkeypatch.setattr(fonts, "CJK_CANDIDATES", ())
    fonts._face.cache_clear()
    try:
        if font_for("你") is None:
            pytest.skip("no TrueType font at all: Pillow's own draws nothing to compare")
        assert _ink("你好世界") == _ink("界世好你")  # DejaVu Sans: four identical boxes
    finally:
        fonts._face.cache_clear()
