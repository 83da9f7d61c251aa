from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sparkle_motion.plans.timing import (
    MIN_LINE_S,
    frames_for,
    place_lines,
    speech_seconds,
    word_count,
)
from sparkle_motion.schemas import Shot


def test_word_count_and_speech_time():
    assert word_count("It's leading me home.") == 4
    assert speech_seconds("one two three four five", 2.5) == 2.0
    assert speech_seconds("one two three four five", 2.5, rate=2.0) == 1.0
    assert speech_seconds("Oh.", 4.0) == MIN_LINE_S


def test_lines_follow_each_other_unless_placed():
    shot = Shot(
        id="s",
        description="d",
        duration_s=10,
        characters=["a"],
        dialogue=[
            {"character": "a", "text": "one two three four five"},
            {"character": "a", "text": "six seven"},
            {"character": "a", "text": "eight", "start_s": 7},
        ],
    )
    placed = place_lines(shot, 2.5, gap_s=0.2)
    assert [round(p.start_s, 2) for p in placed] == [0.0, 2.2, 7.0]
    assert round(placed[1].end_s, 2) == 3.0


@given(st.floats(0.05, 120), st.sampled_from([8, 12, 16, 24, 30]), st.sampled_from([1, 4]))
def test_frames_cover_the_duration(duration, fps, multiple):
    n = frames_for(duration, fps, multiple)
    assert n >= 1
    if multiple > 1:
        assert n % multiple == 1 and n >= multiple + 1
        assert abs(n - duration * fps) <= multiple / 2 + 1 or n == multiple + 1
    else:
        assert abs(n - duration * fps) <= 0.5 or n == 1


def test_wan_frames():
    assert frames_for(5.0, 16, 4) == 81  # Wan 2.1's native 81 frames at 16 fps
    assert frames_for(0.1, 16, 4) == 5
