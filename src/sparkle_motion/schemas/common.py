"""Types shared by every schema: identifiers, checksums, references, the strict base model."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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

NonEmptyText = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

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
