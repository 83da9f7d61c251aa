"""Speech-time estimates and where each dialogue line sits in its shot.

One function places lines for validation (at the fastest plausible rate) and for the
RunContext's TTS schedule (at the typical rate), so both agree on the rules.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..schemas import Shot

_WORD = re.compile(r"[\w']+")
MIN_LINE_S = 0.4  # even "Oh." takes this long
LINE_GAP_S = 0.2  # breath between consecutive lines


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def speech_seconds(text: str, words_per_second: float, rate: float = 1.0) -> float:
    """Estimated spoken length of `text` at `words_per_second`, scaled by a voice's rate."""
    return max(MIN_LINE_S, word_count(text) / (words_per_second * rate))


@dataclass(frozen=True)
class PlacedLine:
    index: int
    start_s: float  # offset inside the shot
    duration_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


def place_lines(
    shot: Shot, words_per_second: float, rates: dict[str, float] | None = None, gap_s: float = 0.0
) -> list[PlacedLine]:
    """Lines in order: an explicit `start_s` is kept; otherwise a line follows the previous
    one after `gap_s`. Whether they fit the shot is for the caller to judge."""
    rates = rates or {}
    placed: list[PlacedLine] = []
    cursor = 0.0
    for j, line in enumerate(shot.dialogue):
        dur = speech_seconds(line.text, words_per_second, rates.get(line.character, 1.0))
        start = line.start_s if line.start_s is not None else (cursor + gap_s if placed else 0.0)
        placed.append(PlacedLine(j, start, dur))
        cursor = start + dur
    return placed


def frames_for(duration_s: float, fps: float, multiple: int = 1) -> int:
    """Frames covering `duration_s` at `fps`; with multiple m > 1, the nearest k*m + 1
    (Wan 2.1 wants 4k + 1), never fewer than m + 1."""
    n = max(1, round(duration_s * fps))
    if multiple > 1:
        k = max(1, math.floor((n - 1) / multiple + 0.5))
        n = k * multiple + 1
    return n
