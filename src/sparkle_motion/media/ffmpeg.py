"""Which ffmpeg we run, and the flags every encode shares.

The binary is `FFMPEG_PATH` when set, else the one the `imageio-ffmpeg` wheel carries (the
same build wherever pip installs it: libx264, AAC, libass for subtitles). Encodes are
bit-exact with a fixed thread count (`-bitexact`, `-threads N`), so the same inputs give
the same bytes: a resumed run's film has the sha256 of an uninterrupted one.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import MissingDependencyError

# fast intermediate encodes (clips between stages); only the final film is quality-tuned
INTERMEDIATE_X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p"]
# the seed's canonical final encode, and the preview profile's fast one (an animatic: speed
# first; measured in benchmarks/preview_film.py, `veryfast` costs 2.3x the encode time)
FINAL_X264 = {
    "canonical": ["-c:v", "libx264", "-preset", "veryslow", "-crf", "18", "-pix_fmt", "yuv420p"],
    "fast": ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p"],
}


def deterministic(threads: int = 1) -> list[str]:
    """Flags that make an encode reproducible: no version strings or metadata, and a fixed
    encoder thread count (x264's output depends on the count, never on scheduling)."""
    return [
        "-threads",
        str(threads),
        "-filter_threads",
        "1",
        "-fflags",
        "+bitexact",
        "-flags:v",
        "+bitexact",
        "-flags:a",
        "+bitexact",
        "-map_metadata",
        "-1",
    ]


DETERMINISTIC = deterministic(1)
# the final encode's fixed thread count: the same bytes on any machine, both cores used here
FINAL_THREADS = 2
# ffmpeg's own chatter off; errors still reach stderr
QUIET = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"]


def ffmpeg_exe(configured: Path | str | None = None) -> str:
    """The ffmpeg to run: `configured` (FFMPEG_PATH) or imageio-ffmpeg's binary."""
    from ..config import get_settings

    path = configured or get_settings().ffmpeg_path
    if path:
        if not Path(path).is_file():
            raise MissingDependencyError(f"FFMPEG_PATH={path} is not a file")
        return str(path)
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError(
            "ffmpeg not found: pip install imageio-ffmpeg, or set FFMPEG_PATH"
        ) from exc
    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_cmd(*args: str | os.PathLike[str], exe: str | None = None) -> list[str]:
    """An ffmpeg argv with the quiet, overwrite and single-thread flags in front."""
    return [exe or ffmpeg_exe(), *QUIET, *(os.fspath(a) for a in args)]
