"""MoviePlan parsing, validation, and compilation into steps."""

from .compile import compile_steps, with_compiled_steps
from .parse import load_plan_file, parse_plan_text
from .validate import ValidatedPlan, validate_plan, validate_plan_file

__all__ = [
    "ValidatedPlan",
    "compile_steps",
    "load_plan_file",
    "parse_plan_text",
    "validate_plan",
    "validate_plan_file",
    "with_compiled_steps",
]
