"""Title and end cards: the plan's title over the film's first seconds and "The End" over
its last, escaped like subtitles, drawn whether or not the subtitles are burned in, and
never changing the film's length."""

from __future__ import annotations

import pytest

from sparkle_motion.adapters.assemble.cards import CARD_S, card_script, card_spans
from sparkle_motion.adapters.assemble.ffmpeg import AssembleOptions, assemble_clips
from sparkle_motion.adapters.assemble.subtitles import BURN_FILE, build_ass
from sparkle_motion.media.ffmpeg import ffmpeg_cmd
from sparkle_motion.schemas import AssembleLine, AssembleOpts, AssembleShot, AssembleStep
from sparkle_motion.subprocesses import run_command
from tests.support.media import tone

W, H, FPS, SECONDS = 256, 144, 12.0, 9.0
GREY = 128


def _step(title: str | None = "The Keeper and the Whale", **opts) -> AssembleStep:
    line = AssembleLine(
        line_id="l0", character="ada", text="Hello there.", audio="@tts.l0", start_s=4.0
    )
    settings = {"fade_out_s": 0.0, **opts}
    return AssembleStep(
        id="assemble.film",
        shots=[AssembleShot(shot_id="grey", clip="@video.grey", duration_s=SECONDS)],
        dialogue=[line],
        width=W,
        height=H,
        fps=FPS,
        opts=AssembleOpts(**settings),
        film_title=title,
    )


def test_the_cards_cover_the_first_and_last_seconds_only():
    assert card_spans(_step()) == [("title", 0.0, CARD_S), ("end", SECONDS - CARD_S, SECONDS)]
    assert card_spans(_step(title=None)) == [("end", SECONDS - CARD_S, SECONDS)]
    assert card_spans(_step(title_cards=False)) == []
    short = _step().model_copy(
        update={"shots": [AssembleShot(shot_id="s", clip="@video.s", duration_s=3.0)]}
    )
    (_, a0, a1), (_, b0, b1) = card_spans(short)  # a third each: they never overlap
    assert a0 == 0.0 and a1 <= b0 and b1 == 3.0


def test_the_title_is_in_the_ass_file_escaped_like_a_subtitle():
    # as it arrives (not re-validated): markup, a line break and a backslash sequence
    st = _step().model_copy(update={"film_title": "{\\an8}Storm & <i>Rain</i>\nC:\\new"})
    script, _ = build_ass(st, [1.0], dialogue=False, cards=card_script(st))
    events = [e for e in script.splitlines() if e.startswith("Dialogue:")]
    text = [e for e in events if "Storm" in e]
    assert len(text) == 1 and text[0].startswith("Dialogue: 2,0:00:00.00,0:00:02.50,Card,")
    assert text[0].endswith("}\\{\\an8\\}Storm & <i>Rain</i> C:\\\u2060new")
    assert any("The End" in e and "made with Sparkle Motion" in e for e in events)
    assert "Hello there." not in script  # the lines were not asked for
    assert "Style: Card,DejaVu Sans," in script


def test_no_cards_when_the_plan_turns_them_off():
    st = _step(title_cards=False)
    styles, events, faces = card_script(st)
    assert styles == events == faces == []


def _grey(folder):
    clip = folder / "grey.mp4"
    run_command(
        ffmpeg_cmd(
            "-f", "lavfi", "-i", f"color=c=0x808080:s={W}x{H}:r={FPS:g}:d={SECONDS}",
            "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", clip,
        )
    )  # fmt: skip
    return clip


def _frames(folder, st):
    import av

    folder.mkdir(parents=True, exist_ok=True)
    audio = [tone(folder / "l0.wav", 1.0, amp=0.01)]
    out = folder / "film.mp4"
    assemble_clips(st, [_grey(folder)], audio, out, AssembleOptions(), workdir=folder)
    with av.open(str(out)) as c:
        return [f.to_ndarray(format="rgb24").astype(int) for f in c.decode(video=0)]


def _ink(frame):
    """Pixels far from the grey: a card's band (dark) or text (white), or a subtitle."""
    import numpy as np

    return np.abs(frame - GREY).max(axis=2) > 48


@pytest.mark.parametrize("burn", [True, False], ids=["subtitles-burned", "not-burned"])
def test_cards_are_drawn_with_or_without_burned_subtitles(tmp_path, burn):
    import numpy as np

    frames = _frames(tmp_path, _step(burn_subtitles=burn))
    assert len(frames) == round(SECONDS * FPS)  # the timeline is unchanged
    title, middle, end = (frames[round(t * FPS)] for t in (1.25, 4.5, SECONDS - 1.0))
    centre = slice(round(H * 0.36), round(H * 0.64))
    for card in (title, end):
        white = (card[centre].min(axis=2) > 220).sum()
        assert white > 100  # big white letters in the middle band
        assert card[centre].mean() < GREY - 20  # on a dark band
    assert not _ink(middle)[: round(H * 0.75)].any()  # no card mid-film
    assert _ink(middle)[round(H * 0.75) :].any() == burn  # the line, only when burned
    assert not np.array_equal(_ink(title), _ink(end))  # two different cards
    assert (tmp_path / BURN_FILE).is_file()


def test_no_cards_no_ink(tmp_path):
    frames = _frames(tmp_path, _step(title_cards=False, burn_subtitles=False))
    assert not any(_ink(f).any() for f in frames[:: round(FPS)])
