"""Subtitles of the assembled film, as a sidecar `.srt` and as the `.ass` libass burns in.

Cues: one per dialogue line, from its start to the end of its audio, held at least
`MIN_CUE_S` (extended into the gap after it). A line that starts less than that after the
cue before it joins that cue (one line of text each), so no cue is shorter and no two
overlap; a last cue the film's end would cut short starts earlier, into the gap before
it, or joins the cue before when there is no room. When the film has two or more
speakers, each line is prefixed with its speaker's name ("Marta: ..."; the name drawn
tinted in the `.ass`). Burned-in cues sit in the bottom band (`BAND`) of the frame, clear
of what the storyboards draw: a cue too long for it is drawn smaller (not under 12 px).

Subtitle text is the plan's, drawn literally. Both files get it on one line, without
control characters (C0, C1, DEL, NUL) or lone surrogates; line breaks and tabs become
spaces (libass wraps long lines). The burned-in copy goes through an `.ass` file of our
own, not the `.srt`: ffmpeg's SRT decoder applies HTML-like tags (`<i>`, `<font
color=...>`) and drops `{\\...}` blocks, and libass reads `{...}` as override tags. In the
`.ass` file `{` and `}` are escaped as `\\{` and `\\}`, and a backslash before `N`, `n`
or `h` gets a WORD JOINER (U+2060) after it, so `{\\an8}`, `<i>x</i>` and `C:\\new` show
as written. The sidecar `.srt` keeps the text as written (SRT has no escapes; a player may
apply its tags) except that `-->` becomes `->`, which would otherwise end the cue.

A merged cue's lines are separate lines of the cue (a line break in the `.srt`, `\\N` in the
`.ass`; both our own, never from the text). The title and end cards (cards.py) are events
of the same `.ass`, so they are drawn even when the dialogue is not burned in.

Fonts (media/fonts.py): each cue gets a style whose font draws it: DejaVu Sans, Noto
Sans CJK for a line with CJK, Symbola for one with emoji. The font files the lines use
are linked into a `fonts/` folder handed to libass (`fontsdir`), so the choice holds with
an ffmpeg built without fontconfig; with fontconfig (imageio-ffmpeg's build) libass also
falls back per glyph to any installed font that has it (an emoji in a CJK line).
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import NamedTuple

from ...media.fonts import FontFace, font_for, font_path, script_of
from ...schemas import AssembleStep

MIN_CUE_S = 1.2  # the shortest a cue is shown (a line's audio may be shorter)
CUE_GAP_S = 0.04  # between two cues, so a player never shows both
BAND = 0.25  # burned-in cues stay in this bottom share of the frame
EPS = 1e-6  # seconds: sums of plan floats are not exact
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


class Cue(NamedTuple):
    start: float
    end: float
    lines: tuple[tuple[str | None, str], ...]  # (speaker's name or None, text) per line

    @property
    def text(self) -> str:
        """The cue's text, one line per dialogue line ("Name: text" when named)."""
        return "\n".join(f"{name}: {text}" if name else text for name, text in self.lines)


def _named(step: AssembleStep) -> bool:
    """Whether cues name their speaker: two or more characters speak a line with text."""
    return len({line.character for line in step.dialogue if subtitle_text(line.text)}) > 1


def cues(step: AssembleStep, audio_durations: list[float]) -> list[Cue]:
    """The film's cues, in time order: each at least `MIN_CUE_S` long (or the whole film
    when it is shorter), none overlapping (see the module docstring)."""
    total = sum(s.duration_s for s in step.shots)
    named = _named(step)
    order = sorted(range(len(step.dialogue)), key=lambda k: (step.dialogue[k].start_s, k))
    groups: list[list] = []  # [start, end of its audio, lines]
    for k in order:
        line = step.dialogue[k]
        text = subtitle_text(line.text)
        if not text:
            continue
        start = min(line.start_s, max(0.0, total - 0.1))
        end = min(start + max(0.3, audio_durations[k]), total)
        name = (subtitle_text(line.speaker or "") or line.character) if named else None
        if groups and start - groups[-1][0] < MIN_CUE_S + CUE_GAP_S:
            groups[-1][1] = max(groups[-1][1], end)  # too soon after: joins that cue
            groups[-1][2].append((name, text))
        else:
            groups.append([start, end, [(name, text)]])
    out: list[Cue] = []
    for n, (start, end, lines) in enumerate(groups):
        limit = groups[n + 1][0] - CUE_GAP_S if n + 1 < len(groups) else total
        end = min(max(end, start + MIN_CUE_S), limit)
        if end - start < MIN_CUE_S - EPS:  # only the last cue, at the film's end: start earlier
            floor = out[-1].end + CUE_GAP_S if out else 0.0
            start = max(floor, min(start, end - MIN_CUE_S))
            if end - start < MIN_CUE_S - EPS and out:  # no room: it joins the cue before
                before = out.pop()
                out.append(Cue(before.start, end, before.lines + tuple(lines)))
                continue
        out.append(Cue(start, end, tuple(lines)))
    return out


def build_srt(step: AssembleStep, audio_durations: list[float]) -> str:
    """The sidecar: each dialogue line's text as written on one line of its cue (`-->`,
    which would end the cue for a reader, becomes `->`)."""
    return "\n".join(
        f"{n}\n{_ts(cue.start)} --> {_ts(cue.end)}\n{cue.text.replace('-->', '->')}\n"
        for n, cue in enumerate(cues(step, audio_durations), start=1)
    )


def ass_ts(seconds: float) -> str:
    cs = round(seconds * 100)
    h, cs = divmod(cs, 360_000)
    m, cs = divmod(cs, 6000)
    s, cs = divmod(cs, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


DEFAULT_FAMILY = "DejaVu Sans"


NAME_COLOUR = "&H80E0FF&"  # a speaker's name: light yellow (ASS colours are BGR)
TEXT_COLOUR = "&HFFFFFF&"  # the styles' white (not `\\r`, which would drop a `\\fs`)


def _ass_cue(cue: Cue) -> str:
    """A cue's event text: each line escaped, the speaker's name tinted, lines split by \\N."""
    return "\\N".join(
        (f"{{\\c{NAME_COLOUR}}}{ass_text(name)}:{{\\c{TEXT_COLOUR}}} " if name else "")
        + ass_text(text)
        for name, text in cue.lines
    )


def _units(text: str) -> int:
    """`text`'s width in average Latin characters (a CJK or emoji glyph counts two)."""
    return sum(2 if script_of(c) is not None else 1 for c in text)


def band_size(cue: Cue, width: int, height: int, size: int, margins: tuple[int, int]) -> int:
    """The font size that keeps `cue` in the frame's bottom `BAND`: `size`, or smaller
    (not under 12 px) when its lines would wrap too high. An estimate from the text's
    length: DejaVu Sans averages about 0.55 em a character, a line is 1.2 em high."""
    margin_h, margin_v = margins
    room = height * BAND - margin_v
    units = [_units(line) for line in cue.text.split("\n")]

    def rows(fs: int) -> int:
        per_row = max(1.0, (width - 2 * margin_h) / (0.55 * fs))
        return sum(max(1, math.ceil(u / per_row)) for u in units)

    fs = size
    while fs > 12 and rows(fs) * fs * 1.2 > room:
        fs -= 1
    return fs


def build_ass(
    step: AssembleStep,
    audio_durations: list[float],
    *,
    dialogue: bool = True,
    cards: tuple[list[str], list[str], list[FontFace]] | None = None,
) -> tuple[str, list[FontFace]]:
    """The burned-in subtitles (with `dialogue`) and `cards` (cards.card_script: styles,
    events, fonts) as an ASS script at the film's size, and the fonts they use. Subtitle
    sizes match the seed's look (libass's default 384x288 canvas, font size 20, outline 2,
    scaled to the film), with at least 12 px text, smaller for a cue too long for the
    bottom band."""
    width, height = step.width, step.height
    size = max(12, round(height * 20 / 288))
    outline = f"{height * 2 / 288:.2f}"
    margin_v, margin_h = round(height * 10 / 288), round(width * 10 / 384)
    events: list[str] = []
    faces: list[FontFace] = []
    for cue in cues(step, audio_durations) if dialogue else []:
        face = font_for(cue.text)
        family = face.family if face else DEFAULT_FAMILY
        if face is not None and face not in faces:
            faces.append(face)
        style = "Default" if family == DEFAULT_FAMILY else family
        fs = band_size(cue, width, height, size, (margin_h, margin_v))
        sized = f"{{\\fs{fs}}}" if fs != size else ""
        events.append(
            f"Dialogue: 0,{ass_ts(cue.start)},{ass_ts(cue.end)},{style},,0,0,0,,"
            f"{sized}{_ass_cue(cue)}"
        )
    families = [DEFAULT_FAMILY, *sorted({f.family for f in faces} - {DEFAULT_FAMILY})]
    styles = [
        f"Style: {'Default' if fam == DEFAULT_FAMILY else fam},{fam},{size},&H00FFFFFF,"
        f"&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,{outline},0,2,"
        f"{margin_h},{margin_h},{margin_v},1"
        for fam in families
    ]
    if cards is not None:
        card_styles, card_events, card_faces = cards
        styles += card_styles
        events += card_events
        faces += [f for f in card_faces if f not in faces]
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
