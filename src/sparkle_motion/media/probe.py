"""What a media file holds, read with PyAV (which carries its own FFmpeg libraries)."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import CommandError


@dataclass(frozen=True)
class MediaInfo:
    duration_s: float
    video_codec: str | None
    audio_codec: str | None
    width: int | None
    height: int | None
    frame_rate: float | None
    frames: int | None
    sample_rate: int | None


def probe(path: Path) -> MediaInfo:
    import av

    try:
        with av.open(str(path)) as container:
            video = next(iter(container.streams.video), None)
            audio = next(iter(container.streams.audio), None)
            duration = (
                float(container.duration / av.time_base) if container.duration is not None else 0.0
            )
            rate = video.average_rate if video is not None else None
            return MediaInfo(
                duration_s=duration,
                video_codec=video.codec_context.name if video is not None else None,
                audio_codec=audio.codec_context.name if audio is not None else None,
                width=video.codec_context.width if video is not None else None,
                height=video.codec_context.height if video is not None else None,
                frame_rate=float(Fraction(rate)) if rate else None,
                frames=(video.frames or None) if video is not None else None,
                sample_rate=audio.codec_context.sample_rate if audio is not None else None,
            )
    except av.error.FFmpegError as exc:
        raise CommandError(f"cannot read {path.name}: {exc}", context={"path": str(path)}) from exc


def wav_duration(source: Path | bytes) -> float:
    """A WAV's length in seconds, from its header (a file, or its bytes)."""
    with wave.open(io.BytesIO(source) if isinstance(source, bytes) else str(source), "rb") as w:
        return w.getnframes() / float(w.getframerate())
