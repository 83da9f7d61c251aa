"""Human units on the command line: durations ('7d', '12h', '90s') and sizes ('10G')."""

from __future__ import annotations

import re

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$", re.I)
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?\s*$", re.I)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_BYTES = {"b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def parse_duration(text: str) -> float:
    """Seconds in '90', '90s', '15m', '12h', '7d', '2w'."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(
            f"{text!r}: expected a number with an optional unit s, m, h, d or w (e.g. 7d)"
        )
    return float(match.group(1)) * _SECONDS[(match.group(2) or "s").lower()]


def parse_size(text: str) -> int:
    """Bytes in '500', '64K', '10M', '2G', '1T' (powers of 1024; 'MB' and 'MiB' alike)."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(
            f"{text!r}: expected a number with an optional unit K, M, G or T (e.g. 10G)"
        )
    return int(float(match.group(1)) * _BYTES[(match.group(2) or "b")[0].lower()])


def format_size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"
