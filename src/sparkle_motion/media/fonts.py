"""The fonts captions, names and subtitles are drawn with, chosen per line of text.

`scripts/apt_deps.sh` (run by `make setup`) installs three Debian packages:

- fonts-dejavu-core: DejaVu Sans, for Latin, Greek, Cyrillic and most symbols;
- fonts-noto-cjk: Noto Sans CJK, for Chinese, Japanese and Korean (the JP face when the
  text has kana, KR when it has Hangul, else SC);
- fonts-symbola: Symbola, an outline font for emoji and pictographs (libass and Pillow's
  FreeType cannot draw colour emoji fonts).

`font_for(text)` picks one face for a whole line (Pillow draws a line with one font):
CJK wins over emoji, since Noto Sans CJK also has Latin letters. A face that is not
installed falls back to DejaVu Sans, which draws its glyphs as empty boxes; libass can
still find a font for them through fontconfig (see adapters/assemble/ffmpeg.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
CJK_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch, Alpine
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
)
EMOJI_CANDIDATES = (
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",  # Debian, Ubuntu
    "/usr/share/fonts/truetype/symbola/Symbola.ttf",
    "/usr/share/fonts/TTF/Symbola.ttf",
)

# code point ranges (inclusive)
_KANA = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))
_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))
_CJK = (
    *_KANA,
    *_HANGUL,
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x2FF0, 0x303F),  # ideographic description, CJK symbols and punctuation
    (0x3100, 0x312F),  # Bopomofo
    (0x3190, 0x31EF),  # Kanbun, Bopomofo extended, CJK strokes
    (0x3200, 0x33FF),  # enclosed CJK letters, CJK compatibility
    (0x3400, 0x4DBF),  # CJK unified ideographs extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
    (0x20000, 0x3134F),  # extensions B-G, compatibility supplement
)
_EMOJI = (
    (0x2300, 0x23FF),  # miscellaneous technical (watch, hourglass, ...)
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats
    (0x2B00, 0x2BFF),  # miscellaneous symbols and arrows (star, ...)
    (0x1F000, 0x1FAFF),  # mahjong ... pictographs, emoticons, transport, symbols ext-A
)


@dataclass(frozen=True)
class FontFace:
    """A font file, the family name fontconfig and libass know it by, and its face in a
    collection (.ttc)."""

    path: str
    family: str
    index: int = 0
    package: str = "fonts-dejavu-core"


def _within(ch: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in ranges)


def script_of(text: str) -> str | None:
    """Which font the text needs beyond DejaVu Sans: "cjk-jp", "cjk-kr", "cjk", "emoji",
    or None."""
    if any(_within(ch, _CJK) for ch in text):
        if any(_within(ch, _KANA) for ch in text):
            return "cjk-jp"
        if any(_within(ch, _HANGUL) for ch in text):
            return "cjk-kr"
        return "cjk"
    if any(_within(ch, _EMOJI) for ch in text):
        return "emoji"
    return None


@cache
def font_path() -> str | None:
    """DejaVu Sans (fonts-dejavu-core); None -> Pillow's own."""
    return next((p for p in FONT_CANDIDATES if Path(p).is_file()), None)


@cache
def _collection_index(path: str, family: str) -> int | None:
    """The face of `family` in the collection at `path` (None when it has none)."""
    from PIL import ImageFont

    for index in range(16):
        try:
            name = ImageFont.truetype(path, 10, index=index).getname()[0]
        except OSError:
            return None
        if name == family:
            return index
    return None


@cache
def _face(script: str | None) -> FontFace | None:
    if script is not None and script.startswith("cjk"):
        family = {"cjk-jp": "Noto Sans CJK JP", "cjk-kr": "Noto Sans CJK KR"}.get(
            script, "Noto Sans CJK SC"
        )
        for path in CJK_CANDIDATES:
            if Path(path).is_file():
                index = _collection_index(path, family)
                if index is not None:
                    return FontFace(path, family, index, "fonts-noto-cjk")
    elif script == "emoji":
        emoji = next((p for p in EMOJI_CANDIDATES if Path(p).is_file()), None)
        if emoji is not None:
            return FontFace(emoji, "Symbola", 0, "fonts-symbola")
    default = font_path()
    return FontFace(default, "DejaVu Sans") if default else None


def font_for(text: str) -> FontFace | None:
    """The installed face that draws `text`: Noto Sans CJK for a line with CJK, Symbola for
    one with emoji, else (or when that one is missing) DejaVu Sans; None with no fonts."""
    return _face(script_of(text))


def missing_font(text: str) -> str | None:
    """The Debian package whose font `text` needs and this machine lacks, if any."""
    script = script_of(text)
    if script is None:
        return None
    face = _face(script)
    wanted = "fonts-symbola" if script == "emoji" else "fonts-noto-cjk"
    return None if face is not None and face.package == wanted else wanted


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]+")


def printable(text: str) -> str:
    """`text` as one drawable line: control characters, line breaks and lone surrogates
    become a space (Pillow's layout fails on some: `\\r`, U+0085, U+2029)."""
    return _UNPRINTABLE.sub(" ", text)


def font(size: int, text: str | None = None):
    """A Pillow font of `size` pixels that draws `text` (DejaVu Sans when not given)."""
    from PIL import ImageFont

    face = font_for(text or "")
    if face is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(face.path, size, index=face.index)
