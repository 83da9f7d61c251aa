from __future__ import annotations

import os
from pathlib import Path

import pytest

from sparkle_motion.errors import PlanParseError
from sparkle_motion.plans import load_plan_file, parse_plan_text
from sparkle_motion.plans.parse import MAX_DEPTH, MAX_NUMBER_DIGITS, MAX_PLAN_BYTES


def test_json_and_yaml_parse_to_the_same_mapping():
    assert parse_plan_text('{"id": "a", "n": [1, 2]}') == parse_plan_text("id: a\nn: [1, 2]\n")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ('{"id": 1,}', "invalid JSON at line 1 column 10"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("[1, 2]", "must be an object (a MoviePlan), got list"),
        ("id: [unclosed\n", "invalid YAML at line 2"),
        ("just a string", "got str"),
        ("", "got NoneType"),
    ],
)
def test_parse_errors_name_the_problem(text, rule):
    with pytest.raises(PlanParseError) as info:
        parse_plan_text(text, source="x.plan")
    assert info.value.path == "<plan>"
    assert rule in info.value.rule
    assert str(info.value).startswith("x.plan: <plan>: ")


def test_not_utf8_and_too_big(tmp_path):
    with pytest.raises(PlanParseError, match="must be UTF-8"):
        parse_plan_text(b'{"id": "\xff"}')
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_PLAN_BYTES + 1))
    with pytest.raises(PlanParseError, match="at most"):
        load_plan_file(big)


def test_missing_file_is_a_parse_error(tmp_path):
    with pytest.raises(PlanParseError, match="cannot read file"):
        load_plan_file(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("[" * 200_000, "nesting is too deep"),
        ("a: " + "[" * 20_000, "nesting is too deep"),
        ("a: &x [1, 2]\nb: *x\n", "aliases (*name) are not allowed"),
        ("id: x\nid: y\n", "duplicate key 'id'"),
    ],
)
def test_hostile_documents_are_parse_errors(text, rule):
    with pytest.raises(PlanParseError) as info:
        parse_plan_text(text)
    assert rule in info.value.rule


# ---------------------------------------------------------------- hostile files and numbers


@pytest.mark.timeout(10)
def test_a_fifo_is_refused_without_blocking_on_it(tmp_path):
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)  # no writer: opening it for reading would block forever
    with pytest.raises(PlanParseError) as info:
        load_plan_file(fifo)
    assert info.value.path == "<plan>" and "must be a regular file, not a FIFO" in info.value.rule


@pytest.mark.timeout(10)
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_before_it_is_read(device):
    """st_size is 0 for a device: a size check alone read /dev/zero until MemoryError."""
    with pytest.raises(PlanParseError, match="must be a regular file, not a character device"):
        load_plan_file(Path(device))


def test_a_symlink_to_a_device_is_a_device(tmp_path):
    link = tmp_path / "plan.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(PlanParseError, match="character device"):
        load_plan_file(link)


def test_a_directory_is_not_a_plan(tmp_path):
    with pytest.raises(PlanParseError, match="must be a regular file, not a directory"):
        load_plan_file(tmp_path)


@pytest.mark.timeout(10)
def test_reads_stop_at_the_cap_whatever_the_size_claims():
    """A stream that never ends (a pipe here; /proc files report size 0 too) is read up to
    cap + 1 bytes and refused naming the cap."""
    from sparkle_motion.plans.parse import read_capped

    r, w = os.pipe()
    try:
        os.write(w, b" " * 1001)
        with pytest.raises(PlanParseError) as info:
            read_capped(r, cap=1000)
        assert info.value.rule == "plan must be at most 1000 bytes"
        os.write(w, b"{}")
        os.close(w)
        w = -1
        assert read_capped(r, cap=1000) == b"{}"
    finally:
        os.close(r)
        if w != -1:
            os.close(w)


def test_text_over_the_cap_is_refused_unparsed():
    with pytest.raises(PlanParseError, match=f"at most {MAX_PLAN_BYTES} bytes"):
        parse_plan_text("{" + " " * MAX_PLAN_BYTES + "}")
    with pytest.raises(PlanParseError, match="at most"):  # 2 bytes a character in UTF-8
        parse_plan_text('{"a": "' + "é" * (MAX_PLAN_BYTES // 2) + '"}')


@pytest.mark.parametrize(
    "text",
    [
        '{"seed": ' + "9" * 5000 + "}",  # over Python's 4300-digit int-from-text limit
        '{"seed": -' + "9" * 101 + "}",
        "seed: " + "9" * 5000 + "\n",
        "seed: 0x" + "f" * 20_000 + "\n",  # no digit limit in base 16, but still huge
        "seed: " + "1_" * 200 + "1\n",
    ],
    ids=["json", "json-negative", "yaml", "yaml-hex", "yaml-underscores"],
)
def test_huge_integer_literals_are_refused_with_their_path(text):
    """They raised ValueError (int max str digits) out of json.loads / yaml."""
    with pytest.raises(PlanParseError) as info:
        parse_plan_text(text)
    assert info.value.path == "seed"
    assert f"at most {MAX_NUMBER_DIGITS}" in info.value.rule


def test_a_huge_integer_deep_inside_names_its_path():
    text = '{"shots": [{"id": "a"}, {"dialogue": [{"start_s": ' + "1" * 200 + "}]}]}"
    with pytest.raises(PlanParseError) as info:
        parse_plan_text(text)
    assert info.value.path == "shots[1].dialogue[0].start_s"


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"title": "\\ud800"}', "title"),
        ('{"metadata": {"k": ["ok", "a\\udfffb"]}}', "metadata.k[1]"),
        ('{"metadata": {"\\ud83d": 1}}', 'metadata."\\ud83d"'),
        ('title: "\\ud800"\n', "title"),
    ],
)
def test_lone_surrogates_are_refused_with_their_path(text, path):
    """Not encodable as UTF-8: the plan could not be stored, printed or sent to ADK."""
    with pytest.raises(PlanParseError) as info:
        parse_plan_text(text)
    assert info.value.path == path and "valid Unicode" in info.value.rule


def test_a_surrogate_pair_is_fine():
    assert parse_plan_text('{"title": "\\ud83d\\ude00"}') == {"title": "\U0001f600"}


def test_nesting_deeper_than_the_document_limit_names_where():
    text = '{"metadata": ' + '{"a": ' * (MAX_DEPTH + 5) + "1" + "}" * (MAX_DEPTH + 5) + "}"
    with pytest.raises(PlanParseError) as info:
        parse_plan_text(text)
    assert info.value.path.startswith("metadata.a.a") and "too deep" in info.value.rule


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("? [a, b]\n: 1\n", "a key must be a plain value"),
        ("{[a]: 1}\n", "a key must be a plain value"),
        ("created_at: 2026-13-45\n", "cannot read this value: month must be in 1..12"),
        ("created_at: 2026-01-01 10:00:00 +99:00\n", "cannot read this value"),
        ("a: !!binary 'not base64?'\n", "invalid YAML"),
    ],
)
def test_yaml_values_that_cannot_be_built_are_parse_errors(text, rule):
    """They raised TypeError / ValueError out of the YAML loader."""
    with pytest.raises(PlanParseError) as info:
        parse_plan_text(text, fmt="yaml")
    assert rule in info.value.rule and info.value.path == "<plan>"
