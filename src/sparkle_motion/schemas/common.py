"""Types shared by every schema: identifiers, checksums, references, the strict base model."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    Strict,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from ..errors import RunRequestError

SCHEMA_VERSION = "v1"

# A stable identifier usable in file names, step keys and URIs.
# a run id is the ADK session id and a folder name under the runs dir and artifact root
RUN_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}"


def check_run_id(value: object, field: str = "run_id") -> str:
    """`value` when it is a valid run id (the whole string matches RUN_ID_PATTERN), else
    RunRequestError naming `field`."""
    if not isinstance(value, str) or re.fullmatch(RUN_ID_PATTERN, value) is None:
        raise RunRequestError(
            "must be 1-100 letters, digits, '_', '.' or '-', starting with a letter or "
            f"digit; got {value!r}",
            field=field,
        )
    return value


Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"),
    Field(
        description="1-100 chars: letters, digits, '_', '.', '-'; starts with a letter or digit."
    ),
]

# Ids a plan author chooses (characters, shots, keyframes, lines). Shorter, so the step
# ids derived from them ('video.<shot_id>') stay valid Identifiers.
ShortId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$"),
    Field(description="1-48 chars: letters, digits, '_', '-'; starts with a letter or digit."),
]

Sha256Hex = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{64}$"),
    Field(description="64-char lowercase hex SHA-256 digest."),
]

# ------------------------------------------------------------------ text a plan carries
# Plan text reaches TTS, subtitles, ffmpeg arguments, prompts and file names, so it must be
# printable: no control characters (C0, DEL, C1; multi-line text may hold tab and newline),
# no lone surrogates (not encodable as UTF-8), and, when set, something visible (not only
# whitespace, zero-width or format characters). Nothing is stripped or replaced silently.

_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# Fillers that render as nothing though their category says otherwise (Hangul fillers,
# the braille blank, the combining grapheme joiner).
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})


def has_visible_char(value: str) -> bool:
    """False when `value` is empty or only whitespace, zero-width / format characters
    (category Cf), combining marks or known blank fillers."""
    return any(
        not ch.isspace()
        and ch not in _INVISIBLE
        and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        for ch in value
    )


def _refuse_control(value: str, pattern: re.Pattern[str], what: str) -> str:
    found = pattern.search(value)
    if found is None:
        return value
    ch = found.group()
    if "\ud800" <= ch <= "\udfff":
        raise PydanticCustomError(
            "text_surrogate",
            "must be valid Unicode text (lone surrogate U+{code} at index {index})",
            {"code": f"{ord(ch):04X}", "index": found.start()},
        )
    kind = "a line break" if ch in "\n\r\u2028\u2029" else "a control character"
    raise PydanticCustomError(
        "text_control",
        "must not contain {kind} (U+{code} at index {index}); {what}",
        {"kind": kind, "code": f"{ord(ch):04X}", "index": found.start(), "what": what},
    )


def check_text(value: str) -> str:
    """Multi-line text: tab and newline allowed, other control characters refused."""
    return _refuse_control(value, _CONTROL_MULTILINE, "only tab and newline are allowed")


def check_line(value: str) -> str:
    """One line (names, titles, moods, paths): no control characters or line breaks."""
    return _refuse_control(value, _CONTROL_LINE, "it must be one line of printable text")


def _visible_when_set(value: str) -> str:
    if value and not has_visible_char(value):
        raise PydanticCustomError(
            "text_invisible",
            "must contain a visible character (only whitespace, zero-width or format "
            "characters were given); leave the field out instead",
        )
    return value


def _visible(value: str) -> str:
    if not has_visible_char(value):
        raise PydanticCustomError(
            "text_invisible",
            "must contain a visible character (only whitespace, zero-width or format "
            "characters were given)",
        )
    return value


# Strict: bytes are not text (pydantic would decode them silently).
# Derived text (captions cut from a prompt, step titles): printable, may be blank.
FreeText = Annotated[str, Strict(), AfterValidator(check_text)]
# Optional free text a person writes: printable; when non-empty, something visible.
Text = Annotated[str, Strict(), AfterValidator(check_text), AfterValidator(_visible_when_set)]
# Optional one-line text (titles, moods, settings, voice ids, checkpoint paths).
Line = Annotated[str, Strict(), AfterValidator(check_line), AfterValidator(_visible_when_set)]
# Required text: stripped, non-empty, printable and visible.
NonEmptyText = Annotated[
    str,
    Strict(),
    StringConstraints(min_length=1, strip_whitespace=True),
    AfterValidator(check_text),
    AfterValidator(_visible),
]
# Required one-line text (a plan's title, a character's name, a mood).
NonEmptyLine = Annotated[
    str,
    Strict(),
    StringConstraints(min_length=1, strip_whitespace=True),
    AfterValidator(check_line),
    AfterValidator(_visible),
]

# ------------------------------------------------------------------ numbers a plan carries
# Strict: a bool or a numeric string ("3") is refused, never coerced; an int is a fine
# float. Finite by StrictModel's allow_inf_nan=False; each field also has bounds, so
# arithmetic on plan numbers (frames = seconds * fps) cannot overflow.
PlanInt = Annotated[int, Strict()]
PlanFloat = Annotated[float, Strict()]
PlanBool = Annotated[bool, Strict()]
# The longest a shot or a line's offset in it may be, whatever the configured caps.
MAX_SHOT_SECONDS = 86_400.0
# The longest film timeline any derived step may carry.
MAX_TIMELINE_SECONDS = 1e9

# ------------------------------------------------------------------ free-form JSON fields
# `metadata` and a custom step's `opts` travel in ADK session events and the run database:
# capped in depth and size, finite, 64-bit integers, valid Unicode.
JSON_MAX_DEPTH = 16
JSON_MAX_BYTES = 64 * 1024
_INT64 = 2**63
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _json_key(key: object) -> str:
    if isinstance(key, str) and key.isidentifier() and len(key) <= 40:
        return f".{key}"
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    text = json.dumps(str(key))  # ASCII, quoted: control characters and surrogates escaped
    return f"[{text[:40]}{'...' if len(text) > 40 else ''}]"


_Trail = tuple[Any, object] | None  # (parent trail, key): built per node, formatted on error


def _where(trail: _Trail) -> str:
    keys: list[object] = []
    while trail is not None:
        trail, key = trail
        keys.append(key)
    where = "".join(_json_key(k) for k in reversed(keys)) or "."
    return where if len(where) <= 200 else where[:197] + "..."


def _json_fail(kind: str, rule: str, trail: _Trail) -> PydanticCustomError:
    return PydanticCustomError(kind, "{rule} (at {where})", {"rule": rule, "where": _where(trail)})


def _too_big(size: object) -> PydanticCustomError:
    return PydanticCustomError(
        "json_too_big",
        "must be at most {limit} bytes as JSON, got {size}",
        {"limit": JSON_MAX_BYTES, "size": size},
    )


def check_json_bounds(value: Any) -> Any:
    """Depth, size, finite numbers, 64-bit ints and encodable strings of a free-form JSON
    object. Iterative and counted, so neither a deep nor a cyclic value can exhaust the
    stack or loop. Anything that is not JSON is left for pydantic's own type check."""
    if not isinstance(value, dict):
        return value
    stack: list[tuple[Any, int, _Trail]] = [(value, 1, None)]
    nodes = 0
    while stack:
        node, depth, trail = stack.pop()
        nodes += 1
        if nodes > JSON_MAX_BYTES:  # every value takes at least one byte of JSON
            raise _too_big(f"more than {JSON_MAX_BYTES} values")
        if isinstance(node, dict | list | tuple):
            if depth > JSON_MAX_DEPTH:
                raise _json_fail(
                    "json_too_deep", f"must nest at most {JSON_MAX_DEPTH} levels deep", trail
                )
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                if isinstance(key, str) and _SURROGATE.search(key):
                    raise _json_fail("json_surrogate", "keys must be valid Unicode", (trail, key))
                stack.append((child, depth + 1, (trail, key)))
        elif isinstance(node, str):
            if _SURROGATE.search(node):
                raise _json_fail("json_surrogate", "strings must be valid Unicode", trail)
        elif isinstance(node, float):
            if not math.isfinite(node):
                raise _json_fail("json_not_finite", "numbers must be finite", trail)
        elif isinstance(node, int) and not isinstance(node, bool) and not -_INT64 <= node < _INT64:
            raise _json_fail("json_int_range", "integers must fit in 64 bits", trail)
    try:
        text = json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), skipkeys=True, default=repr
        )
    except (TypeError, ValueError):
        return value  # not JSON: pydantic's type check says where
    size = len(text.encode("utf-8"))
    if size > JSON_MAX_BYTES:
        raise _too_big(size)
    return value


JsonObject = Annotated[dict[str, JsonValue], BeforeValidator(check_json_bounds)]

# Where a step reads an input from: another step's output ("@step_id"), an artifact URI
# (artifact://, artifact+fs://), a file:// URI, or a relative path inside the plan's folder.
InputRef = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1024),
    Field(
        description=(
            "'@<step_id>' for an earlier step's output, an artifact:// / artifact+fs:// / "
            "file:// URI, or a path relative to the plan file."
        )
    ),
]

STEP_REF_PREFIX = "@"


def utc_now() -> datetime:
    return datetime.now(UTC)


class StrictModel(BaseModel):
    """Unknown fields are errors (a typo must not be silently dropped); so are inf and NaN."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, populate_by_name=True, allow_inf_nan=False
    )
