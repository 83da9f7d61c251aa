"""Subtitles of the assembled film: one cue per dialogue line (its start to the end of its
audio), as a sidecar `.srt` and as the `.ass` libass burns in.

Subtitle text is the plan's, drawn literally. Both files get it on one line, without
control characters (C0, C1, DEL, NUL) or lone surrogates; line breaks and tabs become
spaces (libass wraps long lines). The burned-in copy goes through an `.ass` file of our
own, not the `.srt`: ffmpeg's SRT decoder applies HTML-like tags (`<i>`, `<font
color=...>`) and drops `{\\...}` blocks, and libass reads `{...}` as override tags. In the
`.ass` file `{` and `}` are escaped as `\\{` and `\\}`, and a backslash before `N`, `n`
or `h` gets a WORD JOINER (U+2060) after it, so `{\\an8}`, `<i>x</i>` and `C:\\new` show
as written. The sidecar `.srt` keeps the text as written (SRT has no escapes; a player may
apply its tags) except that `-->` becomes `->`, which would otherwise end the cue.

Fonts (media/fonts.py): each line gets a style whose font draws it: DejaVu Sans, Noto
Sans CJK for a line with CJK, Symbola for one with emoji. The font files the lines use
are linked into a `fonts/` folder handed to libass (`fontsdir`), so the choice holds with
an ffmpeg built without fontconfig; with fontconfig (imageio-ffmpeg's build) libass also
falls back per glyph to any installed font that has it (an emoji in a CJK line).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ...media.fonts import FontFace, font_for, font_path
from ...schemas import AssembleStep

SUBTITLE_FILE = "film.srt"
BURN_FILE = "film.ass"  # what libass burns in: the same cues, escaped, a style per font
FONTS_DIR = "fonts"  # in the work folder: links to the font files the subtitles use


def _ts(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


# line breaks and tabs become spaces; C0/C1 controls, DEL, NUL and lone surrogates go
_BREAKS = re.compile("[\t\n\v\f\r\x85\u2028\u2029]+")
_DROPPED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]+")
_SPACES = re.compile(" {2,}")


def subtitle_text(text: str) -> str:
    """A dialogue line as one line of subtitle text: no control characters, no breaks."""
    return _SPACES.sub(" ", _DROPPED.sub("", _BREAKS.sub(" ", text))).strip()


def ass_text(text: str) -> str:
    """`text` (already `subtitle_text`) for an ASS event, drawn literally by libass: braces
    escaped (`\\{`, `\\}`), and a backslash before N, n or h kept from being a line break
    or a hard space by a WORD JOINER (U+2060, which draws nothing)."""
    text = re.sub(r"\\(?=[Nnh])", "\\\\\u2060", text)
    return text.replace("{", "\\{").replace("}", "\\}")


def cues(step: AssembleStep, audio_durations: list[float]) -> list[tuple[float, float, str]]:
    """(start, end, text) per dialogue line with text left after `subtitle_text`: from its
    start to the end of its audio, not past the next line's start or the film's end."""
    total = sum(s.duration_s for s in step.shots)
    order = sorted(range(len(step.dialogue)), key=lambda k: (step.dialogue[k].start_s, k))
    out = []
    for n, k in enumerate(order):
        line = step.dialogue[k]
        start = min(line.start_s, max(0.0, total - 0.1))
        end = min(start + max(0.3, audio_durations[k]), total)
        if n + 1 < len(order):
            end = min(end, max(start + 0.3, step.dialogue[order[n + 1]].start_s - 0.01))
        text = subtitle_text(line.text)
        if text:
            out.append((start, end, text))
    return out


def build_srt(step: AssembleStep, audio_durations: list[float]) -> str:
    """The sidecar: one cue per dialogue line, its text as written on one line (`-->`,
    which would end the cue for a reader, becomes `->`)."""
    return "\n".join(
        f"{n}\n{_ts(start)} --> {_ts(end)}\n{text.replace('-->', '->')}\n"
        for n, (start, end, text) in enumerate(cues(step, audio_durations), start=1)
    )


def _ass_ts(seconds: float) -> str:
    cs = round(seconds * 100)
    h, cs = divmod(cs, 360_000)
    m, cs = divmod(cs, 6000)
    s, cs = divmod(cs, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


DEFAULT_FAMILY = "DejaVu Sans"


def build_ass(step: AssembleStep, audio_durations: list[float]) -> tuple[str, list[FontFace]]:
    """The burned-in subtitles as an ASS script at the film's size, and the fonts its
    lines use. Sizes match the seed's look (libass's default 384x288 canvas, font size 20,
    outline 2, scaled to the film), with at least 12 px text."""
    width, height = step.width, step.height
    size = max(12, round(height * 20 / 288))
    outline = f"{height * 2 / 288:.2f}"
    margin_v, margin_h = round(height * 10 / 288), round(width * 10 / 384)
    events, faces = [], []
    for start, end, text in cues(step, audio_durations):
        face = font_for(text)
        family = face.family if face else DEFAULT_FAMILY
        if face is not None and face not in faces:
            faces.append(face)
        style = "Default" if family == DEFAULT_FAMILY else family
        events.append(
            f"Dialogue: 0,{_ass_ts(start)},{_ass_ts(end)},{style},,0,0,0,,{ass_text(text)}"
        )
    families = [DEFAULT_FAMILY, *sorted({f.family for f in faces} - {DEFAULT_FAMILY})]
    styles = [
        f"Style: {'Default' if fam == DEFAULT_FAMILY else fam},{fam},{size},&H00FFFFFF,"
        f"&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,{outline},0,2,"
        f"{margin_h},{margin_h},{margin_v},1"
        for fam in families
    ]
    script = [
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: None",
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
        "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        *styles,
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        *events,
    ]
    return "\n".join(script) + "\n", faces


def link_fonts(faces: list[FontFace], folder: Path) -> Path | None:
    """`folder` with a link to each font file the subtitles use (DejaVu Sans always),
    for libass's `fontsdir`; None when there is no font file or links cannot be made."""
    paths = {face.path for face in faces}
    if font_path():
        paths.add(str(font_path()))
    if not paths:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path in sorted(paths):
            link = folder / Path(path).name
            if not link.exists():
                os.symlink(path, link)
    except OSError:
        return None
    return folder
