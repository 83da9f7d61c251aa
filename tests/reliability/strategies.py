"""Hypothesis strategies for hostile MoviePlans.

`hostile_document()` takes a valid example plan (examples/plans/*.json, *.yaml), applies
one to three mutations and renders it as JSON or YAML text (sometimes bytes). Mutations:
input locations (absolute, '..', symlink-looking, NUL, very long, URL schemes), numbers
(huge integer literals, 1e308, -0.0, NaN/Infinity as JSON tokens and as YAML .inf/.nan,
bools, numeric strings), deep nesting, unicode (control characters, zero-width only, RTL
override, emoji, CJK, lone surrogates as JSON/YAML escapes), ids (newlines, slashes,
dots), wrong types, missing and unknown fields, duplicated items, many shots, custom
steps, and a few whole-document twists (truncated, BOM, invalid UTF-8).

Literals no Python value can stand for (a 5000-digit integer, '\\ud800', 500 levels of
nesting) go into the tree as placeholders and are spliced into the rendered text.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

import yaml
from hypothesis import strategies as st

from tests.conftest import EXAMPLES

# ------------------------------------------------------------------------- the seeds


def _load(path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML
    data["created_at"] = str(data["created_at"])  # YAML reads a timestamp; keep it text
    return data


BASE_PLANS: list[dict[str, Any]] = [
    _load(p) for p in sorted(EXAMPLES.iterdir()) if p.suffix in (".json", ".yaml")
]

# ------------------------------------------------------------------------- raw literals


@dataclass(frozen=True)
class Raw:
    """Text spliced into the rendered document in place of a placeholder."""

    json: str
    yaml: str

    @classmethod
    def same(cls, text: str) -> Raw:
        return cls(text, text)


def _nest(depth: int, leaf: str = "1", key: str = "a") -> Raw:
    """Flow-style nesting, valid JSON and YAML, without recursing in a dumper."""
    text = f'{{"{key}": ' * depth + leaf + "}" * depth
    return Raw.same(text)


RAW_NUMBERS = [
    Raw.same("9" * 5000),  # over Python's 4300-digit int-from-text limit
    Raw.same("-" + "9" * 400),
    Raw.same("1" * 101),
    Raw.same("1e308"),
    Raw.same("1e999"),  # inf once read
    Raw.same("-1e999"),
    Raw.same("-0.0"),
    Raw.same("4.9e-324"),
    Raw("NaN", ".nan"),
    Raw("Infinity", ".inf"),
    Raw("-Infinity", "-.inf"),
    Raw("1e400", "1.0e+400"),
    Raw("0", "0x" + "f" * 3000),  # base 16 has no digit limit in Python
    Raw("10", "0b" + "1" * 500),
    Raw("100", "1_000_000"),
    Raw("3", "190:20:30"),  # YAML 1.1 sexagesimal
    Raw("true", "yes"),
    Raw("null", "~"),
]
RAW_STRINGS = [
    Raw.same('"\\ud800"'),
    Raw.same('"a\\udfffb"'),
    Raw.same('"\\ud83d\\ude00"'),  # a valid pair: one emoji
    Raw.same('"\\ud83d"'),
    Raw.same('"\\u0000"'),
    Raw.same('"\\u200b\\u200b"'),
    Raw('"\\u0000\\u001b[31m"', '"\\0\\e[31m"'),
]
RAW_YAML = [  # YAML-only constructs (JSON gets a plain string)
    Raw('"x"', "!!python/object/apply:os.system ['id']"),
    Raw('"x"', "!!binary aGVsbG8="),
    Raw('"x"', "!!binary '%%%'"),
    Raw('"x"', "!!set {a, b}"),
    Raw('"x"', "!!omap [a: 1, b: 2]"),
    Raw('"x"', "!!timestamp 2026-13-45"),
    Raw('"x"', "2026-02-30"),
    Raw('"x"', "2026-01-01 10:00:00 +99:00"),
    Raw('"x"', "&anchor [1, 2]"),
    Raw('"x"', "*nowhere"),
    Raw('"x"', "!custom 1"),
    Raw('"x"', "? [a]"),
    Raw('"x"', "{[a]: 1}"),
    Raw('"x"', "{? {a: 1} : 2}"),
    Raw('"x"', "<<: {a: 1}"),
    Raw('"x"', "|\n  block\n  text"),
]
RAW_NESTING = [_nest(d) for d in (17, 40, 200, 257, 600, 3000)] + [
    Raw.same("[" * 300 + "]" * 300),
    _nest(30, leaf='"x"', key="\\ud800"),
]

# ------------------------------------------------------------------------- values

PATHS = [
    "/etc/passwd",
    "/dev/zero",
    "/proc/self/environ",
    "/proc/self/root/etc/shadow",
    "../canary/secret.png",
    "../../canary/secret.png",
    "canary-inside/../../canary/secret.png",
    "frames/../../../etc/passwd",
    "frames/link -> /etc/passwd",
    "frames/./link/../../x.png",
    "..",
    ".",
    "",
    " ",
    "~/x.png",
    "~root/.ssh/id_rsa",
    "file:///etc/passwd",
    "file://../x.png",
    "file://~/x.png",
    "file://",
    "file:x.png",
    "FILE:///etc/passwd",
    "file://localhost/etc/passwd",
    "http://example.com/x.png",
    "https://169.254.169.254/latest/meta-data/",
    "s3://bucket/x.png",
    "gs://bucket/x.png",
    "ftp://host/x",
    "data:image/png;base64,AAAA",
    "javascript:alert(1)",
    "C:\\Windows\\win.ini",
    "C:x.png",
    "\\\\server\\share\\x.png",
    "\\\\?\\C:\\x.png",
    "frames\\..\\..\\x.png",
    "frames/a\x00.png",
    "\x00",
    "frames/a\n.png",
    "frames/\u202egnp.exe",
    "frames/%2e%2e/%2e%2e/etc/passwd",
    "artifact://sparkle-motion/../../x",
    "artifact+fs://../../x",
    "artifact+fs://run\n/x",
    "@image.kf-000",
    "@nope",
    "@",
    "frames/" + "a/" * 600 + "x.png",
    "x" * 5000,
    "ü/テーマ.png",
]
TEXTS = [
    "\x00",
    "Sail\x00far",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;title\x07",
    "a\rb",
    "a\x85b",
    "\x7f",
    "\u200b",
    "\u200b\u200c\u200d\u2060\ufeff",
    " \u3164 ",
    "\u0301\u0301",
    "\u202eevil\u202c",
    "abc\u202edef",
    "\u2028",
    "line\u2029two",
    "🚣‍♀️🌧️",
    "小船，远航吧！",
    "‏أبحر بعيدًا",
    "e\u0301" * 50,
    "Z\u0336" * 300,
    "",
    " ",
    "\t\n",
    "x" * 1001,
    "word " * 2000,
    "{{template}} ${HOME} $(rm -rf /) `id` %s %n",
    "[bold red]markup[/] :smile:",
    "'; DROP TABLE runs; --",
    "../../../../etc/passwd",
    "beheading",
]
IDS = [
    "x\n",
    "\nx",
    "x\r",
    "x ",
    " x",
    "a/b",
    "a\\b",
    "a.b",
    "..",
    ".",
    "-x",
    "_x",
    "",
    "ü",
    "lаunch",  # Cyrillic а
    "x" * 49,
    "x" * 101,
    "CON",
    "a\x00b",
    "kf-000",
    "launch",
    "mila",
    "image.kf-000",
    "assemble.film",
]
WRONG_TYPES: list[Any] = [None, [], {}, [[]], {"a": 1}, 1, -1, 0, 1.5, "s", True, False, [1, "a"]]

# Most branches hold Python values; literals spliced as text (which mostly stop at the
# parser) are one branch of several.
numbers = st.one_of(
    st.sampled_from([1e308, -1e308, -0.0, 5e-324, 0.0, 86_400.0, 86_400.0001, 2**53 + 1.0]),
    st.booleans(),
    st.sampled_from(["3", "3.5", " 4 ", "1e3", "0x10", "NaN", "inf", "-0", "٣"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**80), 2**80),
    st.sampled_from(RAW_NUMBERS),
)
texts = st.one_of(
    st.sampled_from(TEXTS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.text(st.sampled_from("\x00\t\n\r\x1b\x85\u200b\u200e\u202e\u2028 a"), max_size=12),
    st.sampled_from(RAW_STRINGS),
)
# Text a validator should let through: letters, marks, symbols from any script, with
# joiners, direction marks and overrides among them (emoji, CJK, RTL).
unicode_texts = st.text(
    st.one_of(
        st.characters(categories=["L", "M", "N", "P", "S", "Zs"]),
        st.sampled_from("\u200d\u200e\u200f\u202e\u2066\u2069\ufe0f🚣‍♀小船أبحر"),
    ),
    min_size=1,
    max_size=40,
).filter(lambda t: any(c.isalnum() for c in t))
ids = st.one_of(st.sampled_from(IDS), st.text(max_size=12))
paths = st.one_of(
    st.sampled_from(PATHS),
    st.builds(
        lambda scheme, rest: scheme + rest,
        st.sampled_from(["file://", "http://", "artifact+fs://", "/", "../", "~/", "@", ""]),
        st.sampled_from(PATHS),
    ),
)
nesting = st.sampled_from(RAW_NESTING)
anything = st.one_of(
    numbers,
    texts,
    ids,
    paths,
    nesting,
    st.sampled_from(WRONG_TYPES),
    st.sampled_from(RAW_STRINGS),
    st.sampled_from(RAW_YAML),
)
keys = st.one_of(
    st.sampled_from(["colour", "Title", "title ", "__proto__", "$ref", "", "\x00", "a.b", "🚣"]),
    st.sampled_from([Raw.same('"\\ud800"'), Raw.same('"\\u0000"')]),
    st.text(max_size=10),
)

# ------------------------------------------------------------------------- the tree


@dataclass
class _Doc:
    plan: dict[str, Any]
    raw: dict[str, Raw] = field(default_factory=dict)
    what: list[str] = field(default_factory=list)

    def value(self, value: Any) -> Any:
        """`value` as it goes into the tree: a Raw becomes a placeholder."""
        if isinstance(value, Raw):
            name = f"RAWTOKEN{len(self.raw)}X"
            self.raw[name] = value
            return name
        return copy.deepcopy(value)  # never share a node: YAML would write an alias


def _nodes(tree: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """Every (path, node) in the tree, containers and leaves."""
    out = [(path, tree)]
    if isinstance(tree, dict):
        for k, v in tree.items():
            out += _nodes(v, (*path, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            out += _nodes(v, (*path, i))
    return out


def _set(tree: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        tree = tree[key]
    tree[path[-1]] = value


def _leaf_paths(doc: _Doc, names: set[str]) -> list[tuple]:
    return [p for p, _ in _nodes(doc.plan) if p and p[-1] in names]


NUMBER_FIELDS = {
    "duration_s", "start_s", "seed", "fps", "width", "height", "rate", "pitch_semitones",
    "exaggeration", "volume_db", "transition_s", "fade_in_s", "fade_out_s", "duck_db", "crf",
    "audio_bitrate_k", "off_screen", "duck_under_dialogue", "subtitles", "burn_subtitles",
}  # fmt: skip
TEXT_FIELDS = {
    "title", "description", "name", "appearance", "text", "prompt", "negative_prompt",
    "setting", "mood", "motion_prompt", "emotion", "created_by", "voice_id", "provider",
    "created_at",
}  # fmt: skip
ID_FIELDS = {"id", "character", "characters"}
PATH_FIELDS = {"source", "reference_audio", "inputs"}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# Optional fields a plan may add, as (path, kind), where their parent exists.
def _optional_slots(plan: dict[str, Any]) -> list[tuple[tuple, str]]:
    slots: list[tuple[tuple, str]] = [(("metadata",), "any"), (("description",), "text")]
    if isinstance(plan.get("music"), dict):
        slots.append((("music", "source"), "path"))
    for i, kf in enumerate(_items(plan.get("base_images"))):
        if isinstance(kf, dict):
            slots.append((("base_images", i, "source"), "path"))
    for i, c in enumerate(_items(plan.get("characters"))):
        if isinstance(c, dict) and isinstance(c.get("voice"), dict):
            slots.append((("characters", i, "voice", "reference_audio"), "path"))
    for i, s in enumerate(_items(plan.get("shots"))):
        if isinstance(s, dict):
            slots.append((("shots", i, "title"), "text"))
            for j, line in enumerate(_items(s.get("dialogue"))):
                if isinstance(line, dict):
                    slots.append((("shots", i, "dialogue", j, "start_s"), "number"))
                    slots.append((("shots", i, "dialogue", j, "id"), "id"))
    return slots


KINDS = {
    "path": (PATH_FIELDS, paths),
    "text": (TEXT_FIELDS, texts),
    "unicode": (TEXT_FIELDS - {"created_at"}, unicode_texts),
    "number": (NUMBER_FIELDS, numbers),
    "id": (ID_FIELDS, ids),
}


@st.composite
def _set_field(draw: st.DrawFn, doc: _Doc, kind: str) -> None:
    """A known field of one kind gets a hostile value of that kind (now and then of any)."""
    names, values = KINDS[kind]
    slots = _leaf_paths(doc, names)
    slots += [path for path, k in _optional_slots(doc.plan) if k == kind.replace("unicode", "text")]
    if not slots:
        return
    where = draw(st.sampled_from(slots))
    value = draw(draw(st.sampled_from([values, values, values, anything])))
    target = doc.plan
    for key in where[:-1]:
        target = target[key]
    placed = doc.value(value)
    if isinstance(target.get(where[-1]) if isinstance(target, dict) else None, list):
        placed = [placed]  # 'inputs', 'characters': a list of them
    _set(doc.plan, where, placed)
    doc.what.append(f"{kind} {where} = {value!r:.80}")


@st.composite
def _replace_any(draw: st.DrawFn, doc: _Doc) -> None:
    """Any node at all (a leaf, an object, a list) becomes anything: wrong types."""
    nodes = [p for p, _ in _nodes(doc.plan) if p]
    where = draw(st.sampled_from(nodes))
    value = draw(anything)
    _set(doc.plan, where, doc.value(value))
    doc.what.append(f"replace {where} = {value!r:.80}")


@st.composite
def _delete_any(draw: st.DrawFn, doc: _Doc) -> None:
    nodes = [(p, n) for p, n in _nodes(doc.plan) if isinstance(n, dict) and n]
    where, node = draw(st.sampled_from(nodes))
    key = draw(st.sampled_from(sorted(node, key=str)))
    del node[key]
    doc.what.append(f"delete {(*where, key)}")


@st.composite
def _add_unknown(draw: st.DrawFn, doc: _Doc) -> None:
    nodes = [(p, n) for p, n in _nodes(doc.plan) if isinstance(n, dict)]
    where, node = draw(st.sampled_from(nodes))
    key = doc.value(draw(keys))
    node[key] = doc.value(draw(anything))
    doc.what.append(f"add {(*where, key)}")


@st.composite
def _nest_deep(draw: st.DrawFn, doc: _Doc) -> None:
    where = draw(
        st.sampled_from(
            [("metadata",), ("metadata", "deep"), ("title",), ("shots",), ("unknown",)]
            + [path for path, _ in _optional_slots(doc.plan)]
        )
    )
    if where[0] == "metadata" and len(where) == 2:
        doc.plan["metadata"] = {}
    value = draw(nesting)
    _set(doc.plan, where, doc.value(value))
    doc.what.append(f"nest {where} {value.json[:30]!r}")


@st.composite
def _duplicate_item(draw: st.DrawFn, doc: _Doc) -> None:
    lists = [(p, n) for p, n in _nodes(doc.plan) if isinstance(n, list) and n]
    if not lists:
        return
    where, items = draw(st.sampled_from(lists))
    i = draw(st.integers(0, len(items) - 1))
    items.insert(i, copy.deepcopy(items[i]))
    doc.what.append(f"duplicate {(*where, i)}")


@st.composite
def _many_shots(draw: st.DrawFn, doc: _Doc) -> None:
    """More shots (and keyframes) than the caps allow, or than the schema's ceiling."""
    n = draw(st.sampled_from([65, 300, 700]))  # 10_001 (the schema's ceiling): unit tests
    shot = {"id": "s", "description": "waves", "duration_s": draw(st.sampled_from([0.5, 1, 60]))}
    doc.plan["shots"] = [{**shot, "id": f"s{i}"} for i in range(n)]
    extra = draw(st.sampled_from([0, 1, 1, 2]))
    doc.plan["base_images"] = [{"prompt": "sea"} for _ in range(n + extra)]
    doc.plan.pop("steps", None)
    doc.what.append(f"{n} shots")


@st.composite
def _custom_step(draw: st.DrawFn, doc: _Doc) -> None:
    step = {
        "id": doc.value(draw(st.one_of(st.just("grade"), ids))),
        "type": "custom",
        "handler": doc.value(
            draw(
                st.sampled_from(
                    [
                        "color_grade",
                        "os:system",
                        "subprocess:run",
                        "builtins:eval",
                        "sparkle_motion.plans.files:write_plan_file",
                        "color_grade\n",
                        "../x",
                        "x" * 300,
                    ]
                )
            )
        ),
        "inputs": [doc.value(draw(paths))],
        "opts": doc.value(draw(st.one_of(st.just({}), nesting, st.sampled_from(WRONG_TYPES)))),
    }
    steps = doc.plan.get("steps")
    doc.plan["steps"] = [*steps, step] if isinstance(steps, list) else [step]
    doc.what.append(f"custom step {step['handler']!r:.40}")


def _setter(kind: str):  # a strategy factory like the others
    return lambda doc: _set_field(doc, kind)


MUTATIONS = [
    _setter("path"),
    _setter("number"),
    _setter("text"),
    _setter("id"),
    _setter("path"),
    _setter("number"),
    _setter("text"),
    _setter("unicode"),
    _setter("unicode"),
    _replace_any,
    _delete_any,
    _add_unknown,
    _nest_deep,
    _duplicate_item,
    _many_shots,
    _custom_step,
]

# ------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class HostileDocument:
    fmt: str  # 'json' or 'yaml': how it was rendered (a file's suffix)
    data: str | bytes
    what: tuple[str, ...]

    @property
    def suffix(self) -> str:
        return ".yaml" if self.fmt == "yaml" else ".json"

    def as_bytes(self) -> bytes:
        return self.data if isinstance(self.data, bytes) else self.data.encode("utf-8")

    def __repr__(self) -> str:  # hypothesis prints this for a failing example
        head = self.data[:300]
        return f"HostileDocument({self.fmt}, {len(self.data)} chars, {list(self.what)}, {head!r})"


def _render(doc: _Doc, fmt: str) -> str:
    if fmt == "json":
        text = json.dumps(doc.plan, indent=1, ensure_ascii=False)
        for name, raw in doc.raw.items():
            text = text.replace(f'"{name}"', raw.json)
    else:
        text = yaml.safe_dump(doc.plan, allow_unicode=True, sort_keys=False, width=200)
        for name, raw in doc.raw.items():
            text = text.replace(f"'{name}'", raw.yaml).replace(name, raw.yaml)
    return text


@st.composite
def _twist(draw: st.DrawFn, text: str, fmt: str) -> tuple[str | bytes, str]:
    """Mostly the text as rendered; sometimes cut, prefixed or made invalid UTF-8."""
    how = draw(
        st.sampled_from(
            ["as is"] * 24 + ["bytes", "truncated", "bom", "junk after", "bad utf-8", "dup key"]
        )
    )
    if how == "bytes":
        return text.encode("utf-8"), how
    if how == "truncated":
        return text[: draw(st.integers(0, max(0, len(text) - 1)))], how
    if how == "bom":
        return "\ufeff" + text, how
    if how == "junk after":
        return text + draw(st.sampled_from(["}", "\n---\nx: 1\n", "\x00", " ]"])), how
    if how == "bad utf-8":
        data = text.encode("utf-8")
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + data[
            at:
        ], how
    if how == "dup key":
        if fmt == "json":
            return text.replace("{", '{"title": "again",', 1), how
        return "title: again\n" + text, how
    return text, how


@st.composite
def hostile_document(draw: st.DrawFn) -> HostileDocument:
    doc = _Doc(copy.deepcopy(draw(st.sampled_from(BASE_PLANS))))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        draw(draw(st.sampled_from(MUTATIONS))(doc))
    fmt = draw(st.sampled_from(["json", "yaml"]))
    data, how = draw(_twist(_render(doc, fmt), fmt))
    return HostileDocument(fmt, data, (*doc.what, f"{fmt} {how}"))
