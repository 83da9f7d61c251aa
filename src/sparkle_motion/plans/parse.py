"""Read a plan document (JSON or YAML) into a mapping, or raise PlanParseError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ..errors import PlanParseError, issue

MAX_PLAN_BYTES = 5 * 1024 * 1024
ROOT = "<plan>"


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise PlanParseError([issue(ROOT, f"duplicate key {key!r} in one object")])
        out[key] = value
    return out


class _PlanYamlLoader(yaml.SafeLoader):
    """Safe YAML without aliases (no alias bombs inside the size cap) and without duplicate
    keys (JSON rejects them too)."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "YAML aliases (*name) are not allowed in plans", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} in one object", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_plan_text(
    text: str | bytes, *, fmt: str | None = None, source: str | None = None
) -> dict[str, Any]:
    """`fmt` is 'json' or 'yaml'; None tries JSON when the text starts with '{'."""
    if isinstance(text, bytes):
        if len(text) > MAX_PLAN_BYTES:
            raise PlanParseError(
                [issue(ROOT, f"plan must be at most {MAX_PLAN_BYTES} bytes", len(text))],
                source=source,
            )
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PlanParseError(
                [issue(ROOT, f"must be UTF-8 text ({exc.reason} at byte {exc.start})")],
                source=source,
            ) from exc
    if fmt is None:
        fmt = "json" if text.lstrip().startswith(("{", "[")) else "yaml"
    try:
        if fmt == "json":
            data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
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
    if not isinstance(data, dict):
        raise PlanParseError(
            [issue(ROOT, f"must be an object (a MoviePlan), got {type(data).__name__}")],
            source=source,
        )
    return data


def load_plan_file(path: Path) -> dict[str, Any]:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_BYTES:
            raise PlanParseError(
                [issue(ROOT, f"plan must be at most {MAX_PLAN_BYTES} bytes", size)], source=source
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanParseError(
            [issue(ROOT, f"cannot read file: {exc.strerror or exc}")], source=source
        ) from exc
    suffix = path.suffix.lower()
    fmt = "yaml" if suffix in (".yaml", ".yml") else "json" if suffix == ".json" else None
    return parse_plan_text(raw, fmt=fmt, source=source)
