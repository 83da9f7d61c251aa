"""A spoken line's pauses, evened out: the preview engines slow a line down by stretching
everything, pauses too (flite's pause after a sentence grows to 0.65 s, its lead-in to
0.35 s), so a short line of two sentences drags. `tighten` trims the silence before and
after the line to `EDGE_S` and shortens every pause inside it to at most `PAUSE_S`, cutting
out the middle of the silence (nothing audible is cut). Deterministic: int16 in, int16 out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

EDGE_S = 0.06
PAUSE_S = 0.3
WINDOW_S = 0.01
QUIET_DB = -40.0  # under the line's loudest 10 ms by this much: a pause


def tighten(samples: np.ndarray, rate: int) -> np.ndarray:
    """`samples` (int16, mono) with the edges trimmed and the long pauses shortened."""
    import numpy as np  # lazily: importing the preview voices stays cheap

    win = max(1, round(WINDOW_S * rate))
    n = len(samples) // win
    if n < 3:
        return samples
    frames = samples[: n * win].astype(np.float64).reshape(n, win)
    level = np.sqrt(np.mean(frames**2, axis=1))
    if level.max() <= 0:
        return samples
    loud = level > level.max() * 10 ** (QUIET_DB / 20)
    voiced = np.nonzero(loud)[0]
    first, last = int(voiced[0]), int(voiced[-1]) + 1  # in windows
    edge = round(EDGE_S / WINDOW_S)
    keep = [(max(0, first - edge) * win, first * win)]
    longest = round(PAUSE_S / WINDOW_S)
    i = first
    while i < last:
        if loud[i]:
            j = i
            while j < last and loud[j]:
                j += 1
            keep.append((i * win, j * win))
            i = j
            continue
        j = i
        while j < last and not loud[j]:
            j += 1
        if j - i > longest:  # keep its two ends, cut the middle
            half = longest // 2
            keep += [(i * win, (i + half) * win), ((j - (longest - half)) * win, j * win)]
        else:
            keep.append((i * win, j * win))
        i = j
    keep.append((last * win, min(len(samples), (last + edge) * win)))
    return np.concatenate([samples[a:b] for a, b in keep if b > a])
