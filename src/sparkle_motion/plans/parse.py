"""Read a plan document (JSON or YAML) into a mapping, or raise PlanParseError.

Hostile input stays typed: a file is read only when it is a regular file and never beyond
the size cap (a device or a FIFO reports size 0); a number literal longer than
MAX_NUMBER_DIGITS, a lone surrogate (not encodable as UTF-8) or nesting deeper than
MAX_DEPTH is refused with the field path where it sits.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from ..errors import PlanIssue, PlanParseError, issue
from ..schemas.messages import path_segment

MAX_PLAN_BYTES = 5 * 1024 * 1024
# No plan field takes a number this long; Python's own int-from-text limit is 4300 digits
# and conversion time grows with the square of the length.
MAX_NUMBER_DIGITS = 100
# Far above any legitimate plan (free-form fields are capped at 16 levels by the schema),
# far below the recursion limit of what reads the data next.
MAX_DEPTH = 256
ROOT = "<plan>"

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class OversizedNumber:
    """Stands in for a number literal too long to convert; refused with its path."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _json_int(text: str) -> int | OversizedNumber:
    digits = len(text) - text.startswith("-")
    return OversizedNumber(digits) if digits > MAX_NUMBER_DIGITS else int(text)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise PlanParseError([issue(ROOT, f"duplicate key {key!r} in one object")])
        out[key] = value
    return out


class _PlanYamlLoader(yaml.SafeLoader):
    """Safe YAML without aliases (no alias bombs inside the size cap) and without duplicate
    keys (JSON rejects them too); a scalar that cannot be constructed (a huge integer, a
    timestamp with month 13) is a YAML error at its line and column."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "YAML aliases (*name) are not allowed in plans", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_object(self, node, deep=False):  # type: ignore[no-untyped-def]
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value: {exc}", node.start_mark
            ) from None

    def construct_yaml_int(self, node):  # type: ignore[no-untyped-def]
        value = str(node.value)
        digits = sum(ch.isalnum() for ch in value)
        if digits > MAX_NUMBER_DIGITS:
            return OversizedNumber(digits)
        return super().construct_yaml_int(node)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # a list or a mapping as a key
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "a key must be a plain value, not a list or a mapping",
                    key_node.start_mark,
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} in one object", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_PlanYamlLoader.add_constructor("tag:yaml.org,2002:int", _PlanYamlLoader.construct_yaml_int)


def _path(keys: list[object]) -> str:
    """Like pydantic's paths (`shots[1].dialogue[0].start_s`): printable keys as they are,
    others escaped and cut."""
    out = ""
    for key in keys:
        if isinstance(key, int) and not isinstance(key, bool):
            out += f"[{key}]"
        else:
            seg = path_segment(key if isinstance(key, str) else repr(key))
            out += f".{seg}" if out else seg
    if len(out) > 300:
        out = out[:297] + "..."
    return out or ROOT


def _check_values(data: Any) -> list[PlanIssue]:
    """Walk the parsed document (iteratively) for what no schema can read: oversized
    numbers, lone surrogates, nesting deeper than MAX_DEPTH. At most 20 issues."""
    found: list[PlanIssue] = []
    stack: list[tuple[Any, list[object]]] = [(data, [])]
    while stack and len(found) < 20:
        node, keys = stack.pop()
        if len(keys) >= MAX_DEPTH:
            found.append(issue(_path(keys), f"nesting is too deep (at most {MAX_DEPTH} levels)"))
            continue
        pairs = node.items() if isinstance(node, dict) else enumerate(node)
        nested: list[tuple[Any, list[object]]] = []
        for key, child in pairs:
            if isinstance(key, OversizedNumber):
                found.append(issue(_path(keys), _number_rule(key)))
            elif isinstance(key, str) and _SURROGATE.search(key):
                found.append(issue(_path([*keys, key]), _SURROGATE_RULE))
            if isinstance(child, dict | list):
                nested.append((child, [*keys, key]))
            elif isinstance(child, OversizedNumber):
                found.append(issue(_path([*keys, key]), _number_rule(child)))
            elif isinstance(child, str) and _SURROGATE.search(child):
                found.append(issue(_path([*keys, key]), _SURROGATE_RULE))
        stack.extend(reversed(nested))  # document order
    return found[:20]


_SURROGATE_RULE = "must be valid Unicode text (a lone surrogate such as \\ud800 is not)"


def _number_rule(number: OversizedNumber) -> str:
    return (
        f"a number with {number.digits} digits is too long "
        f"(at most {MAX_NUMBER_DIGITS}; no plan field takes one this large)"
    )


def _too_big(size: object, source: str | None) -> PlanParseError:
    return PlanParseError(
        [issue(ROOT, f"plan must be at most {MAX_PLAN_BYTES} bytes", size)], source=source
    )


def parse_plan_text(
    text: str | bytes, *, fmt: str | None = None, source: str | None = None
) -> dict[str, Any]:
    """`fmt` is 'json' or 'yaml'; None tries JSON when the text starts with '{'."""
    if isinstance(text, bytes):
        if len(text) > MAX_PLAN_BYTES:
            raise _too_big(len(text), source)
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PlanParseError(
                [issue(ROOT, f"must be UTF-8 text ({exc.reason} at byte {exc.start})")],
                source=source,
            ) from exc
    elif len(text) * 4 > MAX_PLAN_BYTES:  # a character is at most 4 bytes of UTF-8
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_PLAN_BYTES:
            raise _too_big(size, source)
    if fmt is None:
        fmt = "json" if text.lstrip().startswith(("{", "[")) else "yaml"
    try:
        if fmt == "json":
            data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_int=_json_int)
        else:
            data = yaml.load(text, Loader=_PlanYamlLoader)  # a SafeLoader subclass
    except RecursionError:
        raise PlanParseError([issue(ROOT, "nesting is too deep")], source=source) from None
    except PlanParseError as exc:
        raise PlanParseError(exc.issues, source=source) from None
    except json.JSONDecodeError as exc:
        rule = f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise PlanParseError([issue(ROOT, rule)], source=source) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanParseError(
            [issue(ROOT, f"invalid YAML{where}: {problem}")], source=source
        ) from exc
    except (ValueError, TypeError, OverflowError) as exc:  # a value the decoder cannot build
        raise PlanParseError([issue(ROOT, f"invalid {fmt.upper()}: {exc}")], source=source) from exc
    if not isinstance(data, dict):
        raise PlanParseError(
            [issue(ROOT, f"must be an object (a MoviePlan), got {type(data).__name__}")],
            source=source,
        )
    problems = _check_values(data)
    if problems:
        raise PlanParseError(problems, source=source)
    return data


def read_capped(fd: int, cap: int = MAX_PLAN_BYTES) -> bytes:
    """At most `cap` bytes from `fd`; PlanParseError naming the cap when there are more
    (read cap + 1 to know), whatever the file claims its size is."""
    chunks: list[bytes] = []
    left = cap + 1
    while left > 0:
        chunk = os.read(fd, min(left, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    data = b"".join(chunks)
    if len(data) > cap:
        raise PlanParseError([issue(ROOT, f"plan must be at most {cap} bytes", f"more than {cap}")])
    return data


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
    return f"must be a regular file, not {kind}"


def load_plan_file(path: Path) -> dict[str, Any]:
    source = str(path)
    raw = b""
    try:
        # stat first: opening a FIFO for reading blocks until a writer comes
        rule = _not_regular(os.stat(path).st_mode)
        if rule is None:
            # O_NONBLOCK: should the path become a FIFO after the stat, open does not block
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
            try:
                info = os.fstat(fd)
                rule = _not_regular(info.st_mode)
                if rule is None and info.st_size > MAX_PLAN_BYTES:
                    raise _too_big(info.st_size, source)
                if rule is None:
                    raw = read_capped(fd)  # st_size may be a lie (/proc, a growing file)
            finally:
                os.close(fd)
    except PlanParseError as exc:
        raise PlanParseError(exc.issues, source=source) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise PlanParseError([issue(ROOT, f"cannot read file: {reason}")], source=source) from exc
    if rule is not None:
        raise PlanParseError([issue(ROOT, rule)], source=source)
    suffix = path.suffix.lower()
    fmt = "yaml" if suffix in (".yaml", ".yml") else "json" if suffix == ".json" else None
    return parse_plan_text(raw, fmt=fmt, source=source)
