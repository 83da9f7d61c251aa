from __future__ import annotations

import inspect
import re

import pytest

from sparkle_motion import errors
from sparkle_motion.errors import (
    ModelOOMError,
    PlanError,
    PlanSchemaError,
    RunCrashedError,
    RunError,
    RunFailedError,
    TTSInvalidInputError,
    TTSProviderUnavailable,
    is_transient,
    issue,
)


def _error_classes() -> dict[str, type]:
    return {
        name: obj
        for name, obj in vars(errors).items()
        if inspect.isclass(obj) and issubclass(obj, errors.SparkleMotionError)
    }


def test_tree_in_docstring_lists_every_class_under_its_real_parent():
    doc = errors.__doc__ or ""
    drawn: dict[str, int] = {}
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in doc.splitlines():
        m = re.match(r"^(\s*(?:[│ ]\s*)*)(?:[├└]── )?([A-Z][A-Za-z]+)\b", line)
        if not m or m.group(2) not in _error_classes():
            continue
        depth = len(m.group(1)) + (4 if "──" in line else 0)
        name = m.group(2)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parents[name] = stack[-1][1]
        stack.append((depth, name))
        drawn[name] = depth
    classes = _error_classes()
    assert set(drawn) == set(classes), set(classes) ^ set(drawn)
    for name, parent in parents.items():
        assert classes[name].__mro__[1].__name__ == parent, name


def test_plan_error_names_path_and_rule():
    exc = PlanSchemaError(
        [issue("shots[3].duration_s", "must be > 0", -2), issue("title", "is required")]
    )
    assert exc.path == "shots[3].duration_s"
    assert str(exc) == "shots[3].duration_s: must be > 0, got -2 (and 1 more)"
    assert exc.to_dict()["issues"][1] == {"path": "title", "rule": "is required"}


def test_plan_error_needs_an_issue():
    with pytest.raises(ValueError):
        PlanError([])


def test_transient_and_permanent_stage_errors_differ():
    assert is_transient(ModelOOMError("oom", stage="video"))
    assert is_transient(TTSProviderUnavailable("down"))
    assert not is_transient(TTSInvalidInputError("bad text"))
    assert not is_transient(ValueError("unknown errors are permanent"))
    err = ModelOOMError("oom", stage="video", step_id="video.s1")
    assert err.to_dict()["transient"] is True and err.to_dict()["step_id"] == "video.s1"


def test_crashed_run_is_not_a_failed_run():
    crashed = RunCrashedError("owner pid 123 is gone", run_id="r1")
    assert isinstance(crashed, RunError) and not isinstance(crashed, RunFailedError)
    assert crashed.context["run_id"] == "r1"


def test_an_interrupt_wrapped_by_python_is_still_an_interrupt():
    from sparkle_motion.errors import interrupted

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as inner:  # as __set_name__ does during an import
            raise RuntimeError("Error calling __set_name__") from inner
    except RuntimeError as wrapped:
        assert interrupted(wrapped)
    assert interrupted(KeyboardInterrupt()) and not interrupted(RuntimeError("a bug"))
    a, b = ValueError("a"), ValueError("b")
    a.__context__, b.__context__ = b, a  # a loop ends the walk
    assert not interrupted(a)


def test_an_interrupt_pydantic_core_flattened_into_text_is_still_an_interrupt():
    """A Ctrl-C while pydantic-core builds a validator (ADK's models, imported late) comes
    back as a SchemaError naming KeyboardInterrupt only in its text (found by the CLI
    signal attacks in CI)."""
    from pydantic_core import SchemaError

    from sparkle_motion.errors import interrupted

    flattened = SchemaError('Error building "model" validator:\n  KeyboardInterrupt: ')
    assert interrupted(flattened)
    assert not interrupted(SchemaError('Error building "model" validator: bad field'))
    assert not interrupted(ValueError("KeyboardInterrupt"))  # only pydantic-core's, by text
