"""`assert_dce`: a check that only survives if its value is used."""

from typing import Literal, TypeVar

from .._errors import error_if

_T = TypeVar("_T")


def assert_dce(
    x: _T, msg: str, *, on_error: Literal["default", "raise", "breakpoint", "off", "nan"] = "default"
) -> _T:
    """Asserts that `x` (any pytree of arrays) is removed by dead-code
    elimination: an always-failing `error_if` on `x`, which the compiler
    drops together with `x` when `x` is unused. If `x` is used, running the
    compiled function raises `msg`. Outside `jit` nothing is eliminated, so
    it raises straight away. `on_error="off"` disables the check."""
    if on_error == "off":
        return x
    return error_if(x, True, msg)
