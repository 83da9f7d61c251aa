"""Subtitles: the plan's text reaches the film as written. Markup (`{\\an8}`, `<i>`,
`<font color=...>`) and backslash sequences are drawn literally, control characters never
reach the subtitle files, and CJK and emoji lines are drawn with glyphs, not empty boxes.
Cues last at least 1.2 s and never overlap, name their speaker when two or more speak,
and are drawn in the frame's bottom band.

The render tests burn lines into a grey film through `assemble_clips` and measure the
text's ink (pixels far from the grey) in the frame in the middle of each cue."""

from __future__ import annotations

import itertools

import pytest

from sparkle_motion.adapters.assemble import ffmpeg as assemble
from sparkle_motion.adapters.assemble.ffmpeg import AssembleOptions, assemble_clips
from sparkle_motion.adapters.assemble.subtitles import (
    CUE_GAP_S,
    MIN_CUE_S,
    ass_text,
    build_ass,
    build_srt,
    cues,
    subtitle_text,
)
from sparkle_motion.media import fonts
from sparkle_motion.media.ffmpeg import ffmpeg_cmd
from sparkle_motion.schemas import AssembleLine, AssembleShot
from sparkle_motion.subprocesses import run_command
from tests.support.media import context, small_plan, step, tone

W, H, FPS = 480, 272, 24.0
GREY = 128
STEP_S = 1.5  # between two lines: each its own cue (cues last at least MIN_CUE_S)


def _step(texts: list[str], speakers: list[str] | None = None):
    """An assemble step of one grey shot with each text as a line, STEP_S apart, spoken by
    one character (or by `speakers`, in turn). No fades, no title cards: only the lines."""
    base = step(context(small_plan("short.json")), "assemble.film")
    speakers = speakers or [base.dialogue[0].character]
    lines = [
        AssembleLine(
            line_id=f"l{i}",
            character=speakers[i % len(speakers)],
            text="x",
            audio=f"@tts.l{i}",
            start_s=i * STEP_S,
            speaker=speakers[i % len(speakers)].title(),
        ).model_copy(update={"text": text})  # as it arrives: not re-validated (no strip)
        for i, text in enumerate(texts)
    ]
    shot = AssembleShot(shot_id="grey", clip="@video.grey", duration_s=len(texts) * STEP_S)
    opts = base.opts.model_copy(update={"fade_in_s": 0.0, "fade_out_s": 0.0, "title_cards": False})
    return base.model_copy(
        update={
            "shots": [shot],
            "dialogue": lines,
            "width": W,
            "height": H,
            "fps": FPS,
            "opts": opts,
        }
    )


def _burn(folder, texts: list[str], speakers: list[str] | None = None):
    """The frame (H x W x 3 uint8) early in each line's cue, burned into a grey film."""
    import av

    folder.mkdir(parents=True, exist_ok=True)
    st = _step(texts, speakers)
    clip = folder / "grey.mp4"
    seconds = len(texts) * STEP_S
    run_command(
        ffmpeg_cmd(
            "-f", "lavfi", "-i", f"color=c=0x808080:s={W}x{H}:r={FPS:g}:d={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", clip,
        )
    )  # fmt: skip
    audio = [tone(folder / f"l{i}.wav", 0.8, amp=0.01) for i in range(len(texts))]
    out = folder / "film.mp4"
    assemble_clips(st, [clip], audio, out, AssembleOptions(encode_preset="fast"), workdir=folder)
    wanted = {round((i * STEP_S + 0.4) * FPS): i for i in range(len(texts))}
    frames = [None] * len(texts)
    with av.open(str(out)) as container:
        for n, frame in enumerate(container.decode(video=0)):
            if n in wanted:
                frames[wanted[n]] = frame.to_ndarray(format="rgb24")
    assert all(f is not None for f in frames)
    return frames


def _ink(frame):
    """The text's pixels: far from the grey background (white fill, black outline)."""
    import numpy as np

    return np.abs(frame.astype(int) - GREY).max(axis=2) > 48


def _box(frame) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the ink; all zero when there is none."""
    import numpy as np

    rows, cols = np.nonzero(_ink(frame))
    if not len(rows):
        return 0, 0, 0, 0
    return int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())


def _width(frame) -> int:
    _top, bottom, left, right = _box(frame)
    return right - left if bottom else 0


def _rows(frame) -> int:
    top, bottom, _, _ = _box(frame)
    return bottom - top


# DejaVu Sans draws `{` `}` `<` `>` and `\` at least as wide as `(` `)` `[` `]` and `/`,
# so a literal line is at least as wide as its stand-in with those swapped in
MARKUP = [
    ("{\\an8}top", "(/an8)top"),
    ("x{hidden}x", "x(hidden)x"),
    ("<i>x</i> <b>y</b>", "[i]x[/i] [b]y[/b]"),
    ("a<font color=red>R</font>", "a[font color=red]R[/font]"),
    ("C:\\new \\N \\h x", "C:/new /N /h x"),
    ("\\{yes\\} ok", "/(yes/) ok"),
]


@pytest.fixture(scope="module")
def markup_frames(tmp_path_factory):
    texts = [t for pair in MARKUP for t in pair]
    frames = _burn(tmp_path_factory.mktemp("markup"), texts)
    return {text: frame for text, frame in zip(texts, frames, strict=True)}


@pytest.mark.parametrize(("text", "stand_in"), MARKUP, ids=[m[1] for m in MARKUP])
def test_markup_and_backslashes_are_drawn_as_written(markup_frames, text, stand_in):
    frame, reference = markup_frames[text], markup_frames[stand_in]
    assert _width(reference) > 40
    # nothing vanished into an override block or a tag, no `\N` became a line break
    assert _width(frame) >= 0.95 * _width(reference), (_width(frame), _width(reference))
    assert _rows(frame) <= 1.2 * _rows(reference)
    # at the bottom, where every line goes (`{\an8}` would move it to the top)
    assert _box(frame)[0] > H // 2


def test_a_font_tag_colours_nothing(markup_frames):
    frame = markup_frames["a<font color=red>R</font>"].astype(int)
    red = (frame[..., 0] > 160) & (frame[..., 1] < 100) & (frame[..., 2] < 100)
    assert not red.any()


NASTY = (
    "a\x00b\x1b[31mc\x7fd\x85e\u2028f\r\ng\th\x9bi\ud800j \n\n 2 \n00:00:01,000 --> 00:00:02,000"
)


def test_control_characters_never_reach_the_subtitle_files():
    st = _step([NASTY, "   ", "{\\an8}top"])
    srt = build_srt(st, [0.5, 0.5, 0.5])
    script, _ = build_ass(st, [0.5, 0.5, 0.5])
    for text in (srt, script):
        assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in text)
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
        text.encode("utf-8")  # writable
    cues = [c for c in srt.strip().split("\n\n") if c]
    assert len(cues) == 2  # the blank line has no cue; every cue is 3 lines
    assert all(len(c.splitlines()) == 3 for c in cues)
    first = cues[0].splitlines()[2]
    assert first == "ab[31mcd e f g hij 2 00:00:01,000 -> 00:00:02,000"
    assert srt.count("-->") == 2  # only the cues' own timings
    assert cues[1].splitlines()[2] == "{\\an8}top"  # the sidecar keeps the text as written
    events = [line for line in script.splitlines() if line.startswith("Dialogue:")]
    assert len(events) == 2 and events[1].endswith(",,\\{\\an8\\}top")


def test_ass_escapes():
    assert subtitle_text(" a \n\n b\x00c ") == "a bc"
    assert ass_text("{\\an8}x") == "\\{\\an8\\}x"
    assert ass_text("C:\\new\\N\\h") == "C:\\\u2060new\\\u2060N\\\u2060h"
    assert ass_text("\\{") == "\\\\{"  # a backslash, then an escaped brace


# CJK and emoji: distinct characters give distinct pictures only when each has a glyph
# (empty boxes, or nothing, look the same in any order)
GLYPHS = ["你好世界", "界世好你", "😀🚀🌙", "🌙🚀😀", "ねこ", "こね"]


def _need_fonts():
    if fonts.missing_font("你") or fonts.missing_font("😀"):
        pytest.skip(
            "needs fonts-noto-cjk and fonts-symbola (`make setup` installs them: "
            "scripts/apt_deps.sh)"
        )


def test_cjk_and_emoji_lines_are_drawn_with_their_glyphs(tmp_path):
    _need_fonts()
    import numpy as np

    frames = _burn(tmp_path / "real", GLYPHS)
    for k in range(0, len(GLYPHS), 2):
        a, b = frames[k], frames[k + 1]
        assert _ink(a).sum() > 200 and _box(a)[0] > H // 2, GLYPHS[k]
        assert not np.array_equal(_ink(a), _ink(b)), f"{GLYPHS[k]} drew boxes"
    st = _step(GLYPHS)
    _, faces = build_ass(st, [0.5] * len(GLYPHS))
    assert {f.family for f in faces} == {"Noto Sans CJK SC", "Symbola", "Noto Sans CJK JP"}


def test_the_glyph_check_tells_boxes_from_glyphs(tmp_path, monkeypatch):
    """The check above on a render with no font for these characters: no fontconfig
    fallback, no CJK or emoji font linked for libass."""
    _need_fonts()
    import numpy as np

    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n')
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    monkeypatch.setattr(fonts, "CJK_CANDIDATES", ())
    monkeypatch.setattr(fonts, "EMOJI_CANDIDATES", ())
    fonts._face.cache_clear()
    try:
        frames = _burn(tmp_path / "boxes", GLYPHS[:2])
    finally:
        fonts._face.cache_clear()
    assert np.array_equal(_ink(frames[0]), _ink(frames[1]))


def test_the_fonts_folder_alone_draws_cjk_and_emoji(tmp_path, monkeypatch):
    """An ffmpeg without fontconfig: the fonts linked for libass are enough."""
    _need_fonts()
    import numpy as np

    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n')
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    frames = _burn(tmp_path / "linked", GLYPHS[:4])
    assert _ink(frames[0]).sum() > 200 and _ink(frames[2]).sum() > 200
    assert not np.array_equal(_ink(frames[0]), _ink(frames[1]))
    assert not np.array_equal(_ink(frames[2]), _ink(frames[3]))
    assert sorted(p.name for p in (tmp_path / "linked" / assemble.FONTS_DIR).iterdir()) == [
        "DejaVuSans.ttf",
        "NotoSansCJK-Regular.ttc",
        "Symbola_hint.ttf",
    ]


# Cue timing: at least MIN_CUE_S, in order, never overlapping, every line shown.
def _timed(starts: list[float], audio: list[float], total: float, speakers=("ada",)):
    base = _step(["x"] * len(starts), list(speakers))
    lines = [
        line.model_copy(update={"start_s": start, "text": f"line {i}"})
        for i, (line, start) in enumerate(zip(base.dialogue, starts, strict=True))
    ]
    shot = base.shots[0].model_copy(update={"duration_s": total})
    return base.model_copy(update={"dialogue": lines, "shots": [shot]}), audio


def _check(found, st, audio):
    total = st.shots[0].duration_s
    shown = [text for cue in found for _name, text in cue.lines]
    assert sorted(shown) == sorted(d.text for d in st.dialogue)  # every line, once
    for cue in found:
        assert cue.end - cue.start >= MIN_CUE_S - 1e-9 or total < MIN_CUE_S
        assert 0 <= cue.start < cue.end <= total + 1e-9
    for a, b in itertools.pairwise(found):
        assert a.end + CUE_GAP_S - 1e-9 <= b.start  # never two at once
    for line, seconds in zip(st.dialogue, audio, strict=True):
        cue = next(c for c in found if any(t == line.text for _n, t in c.lines))
        # shown while it is spoken (until the film ends or the next cue takes over)
        nxt = [c.start for c in found if c.start > cue.start]
        assert cue.start <= line.start_s + 1e-9 or cue is found[-1]
        assert cue.end >= min(line.start_s + seconds, total, *(t - CUE_GAP_S for t in nxt)) - 1e-9


def test_short_and_crowded_lines_make_cues_of_at_least_1_2_s_that_never_overlap():
    # a 0.5 s line, one 0.6 s after it (joins its cue), one near the film's end
    st, audio = _timed([0.0, 0.6, 3.0], [0.5, 0.4, 0.7], total=4.0)
    found = cues(st, audio)
    assert [(round(c.start, 2), round(c.end, 2)) for c in found] == [(0.0, 1.2), (2.8, 4.0)]
    assert [t for _n, t in found[0].lines] == ["line 0", "line 1"]
    srt = build_srt(st, audio)
    assert "00:00:00,000 --> 00:00:01,200\nline 0\nline 1\n" in srt  # one line each
    script, _ = build_ass(st, audio)
    assert ",,line 0\\Nline 1" in script


def test_cue_timing_holds_for_random_timelines():
    import random

    rng = random.Random(7)
    for _ in range(300):
        n = rng.randint(1, 8)
        starts = sorted(round(rng.uniform(0, 12), 2) for _ in range(n))
        audio = [round(rng.uniform(0.2, 3.0), 2) for _ in range(n)]
        total = max(starts[-1] + rng.uniform(0.15, 3.0), 1.3)
        st, audio = _timed(starts, audio, total=total)
        _check(cues(st, audio), st, audio)


def test_cues_name_the_speaker_when_two_or_more_speak():
    two, audio = _timed([0.0, 2.0, 4.0], [1.0] * 3, total=6.0, speakers=("marta", "leo"))
    srt = build_srt(two, audio)
    assert [c.splitlines()[2] for c in srt.strip().split("\n\n")] == [
        "Marta: line 0",
        "Leo: line 1",
        "Marta: line 2",
    ]
    script, _ = build_ass(two, audio)
    assert "{\\c&H80E0FF&}Marta:{\\c&HFFFFFF&} line 0" in script  # the name tinted
    one, audio = _timed([0.0, 2.0], [1.0] * 2, total=4.0, speakers=("marta",))
    assert "Marta" not in build_srt(one, audio) and "Marta" not in build_ass(one, audio)[0]
    # a name from the plan is escaped like the lines
    odd = two.model_copy(
        update={
            "dialogue": [
                two.dialogue[0].model_copy(update={"speaker": "{\\an8}Bo"}),
                *two.dialogue[1:],
            ]
        }
    )
    assert "\\{\\an8\\}Bo:" in build_ass(odd, [*audio, 1.0])[0]
    assert "{\\an8}Bo: line 0" in build_srt(odd, [*audio, 1.0])


LONG = "This is a long line of dialogue that would wrap over several rows of the frame " * 2


def test_burned_cues_stay_in_the_bottom_band_and_tint_the_name(tmp_path):
    import numpy as np

    frames = _burn(tmp_path, [LONG, "Short.", LONG], speakers=["marta", "leo"])
    for frame in frames:
        top, bottom, _l, _r = _box(frame)
        assert bottom and top >= 0.75 * H - 1, (top, H)  # clear of the storyboards' labels
    f = frames[1].astype(int)
    tint = (f[..., 0] > 200) & (f[..., 1] > 170) & (f[..., 2] < 180)
    assert tint.sum() > 20  # "Leo:" in the name colour
    assert not (np.abs(frames[1].astype(int) - GREY).max(axis=2) > 48)[: int(0.75 * H)].any()


def test_a_cue_is_measured_in_latin_characters_a_wide_glyph_counting_two():
    from sparkle_motion.adapters.assemble.subtitles import _units

    assert _units("hello") == 5  # Latin, drawn by DejaVu: one each
    assert _units("你好") == 4 and _units("a😀") == 3
