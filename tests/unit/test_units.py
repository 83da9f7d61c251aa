import pytest

from sparkle_motion.units import format_size, parse_duration, parse_size


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("90s", 90), ("15m", 900), ("1.5h", 5400), ("7d", 604800), ("2W", 1209600)],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("500", 500),
        ("64K", 65536),
        ("10MB", 10 << 20),
        ("2GiB", 2 << 30),
        ("1t", 1 << 40),
        ("0.5G", 1 << 29),
    ],
)
def test_sizes(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("bad", ["", "x", "-1d", "10 parsecs", "1e3"])
def test_bad_units(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)
    with pytest.raises(ValueError):
        parse_size(bad)


def test_format_size():
    assert (
        format_size(10) == "10 B"
        and format_size(1536) == "1.5 KiB"
        and format_size(3 << 30) == "3.0 GiB"
    )
