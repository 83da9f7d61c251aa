"""The title card and the end card: ASS events burned in with the subtitles (subtitles.py).

The title card shows the plan's title over the film's first `CARD_S` seconds and the end
card "The End" and "made with Sparkle Motion" over its last, each big and centred on a
translucent dark band, fading in and out with libass's `\\fad`. They lie over the picture:
the film's length and timeline do not change (the planner keeps dialogue out of those
seconds; subtitles sit in the bottom band, apart from the cards). A film shorter than
3 x `CARD_S` gets cards a third of its length each, so they never overlap.

They are drawn whenever `opts.title_cards` is on, whether or not subtitles are burned in:
the film's `.ass` file then holds the cards alone. The title is plan text: it goes through
the same escaping as a subtitle (`subtitle_text`, `ass_text`), into the `.ass` file, never
into the filter graph.
"""

from __future__ import annotations

from ...media.fonts import FontFace, font_for
from ...schemas import AssembleStep
from .subtitles import DEFAULT_FAMILY, ass_text, ass_ts, subtitle_text

CARD_S = 2.5  # how long each card is on screen
END_TEXT = "The End"
CREDIT_TEXT = "made with Sparkle Motion"
BAND_ALPHA = "&H70&"  # the band behind a card: black, about 56% opaque


def card_spans(step: AssembleStep) -> list[tuple[str, float, float]]:
    """("title" | "end", start, end) of each card the film has, in time order."""
    if not step.opts.title_cards:
        return []
    total = sum(s.duration_s for s in step.shots)
    seconds = min(CARD_S, total / 3)
    spans = []
    if step.film_title and subtitle_text(step.film_title):
        spans.append(("title", 0.0, seconds))
    spans.append(("end", total - seconds, total))
    return spans


def _style_name(family: str) -> str:
    return "Card" if family == DEFAULT_FAMILY else f"Card {family}"


def card_script(step: AssembleStep) -> tuple[list[str], list[str], list[FontFace]]:
    """The cards' ASS styles, events and the fonts they use (none without cards)."""
    spans = card_spans(step)
    if not spans:
        return [], [], []
    width, height = step.width, step.height
    big = max(14, round(height * 0.1))
    small = max(10, round(big * 0.45))
    band = (round(height * 0.36), round(height * 0.64))
    rect = f"m 0 {band[0]} l {width} {band[0]} {width} {band[1]} 0 {band[1]}"
    faces: list[FontFace] = []
    families: list[str] = []
    events = []
    for kind, start, end in spans:
        if kind == "title":
            text = subtitle_text(step.film_title or "")
            body = ass_text(text)
            fade = "\\fad(400,500)"
        else:
            text = END_TEXT
            body = f"{END_TEXT}\\N{{\\fs{small}\\b0}}{CREDIT_TEXT}"
            fade = "\\fad(500,0)"  # the film's own fade-out takes it to black
        face = font_for(text)
        family = face.family if face else DEFAULT_FAMILY
        if face is not None and face not in faces:
            faces.append(face)
        if family not in families:
            families.append(family)
        style, a, b = _style_name(family), ass_ts(start), ass_ts(end)
        events.append(
            f"Dialogue: 1,{a},{b},{style},,0,0,0,,"
            f"{{{fade}\\an7\\pos(0,0)\\p1\\bord0\\shad0\\1c&H000000&\\1a{BAND_ALPHA}}}{rect}"
        )
        events.append(f"Dialogue: 2,{a},{b},{style},,0,0,0,,{{{fade}}}{body}")
    outline, shadow = f"{height * 2.5 / 288:.2f}", f"{height * 1.5 / 288:.2f}"
    margin = round(width * 0.08)
    styles = [
        f"Style: {_style_name(fam)},{fam},{big},&H00FFFFFF,&H00FFFFFF,&H00000000,"
        f"&H80000000,-1,0,0,0,100,100,0,0,1,{outline},{shadow},5,{margin},{margin},0,1"
        for fam in sorted(families)
    ]
    return styles, events, faces
