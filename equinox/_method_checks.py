"""Run-time checks for a filtered transformation written in a Module's class
body (`@eqx.filter_jit def __call__(self, x: Float[Array, "n"]) ...`).

The wrapper is a Module, not a function, so the class body's checking pass
(`_runtime_check.wrap_checked_methods`) does not see it. Instead the wrapper,
told its name by `__set_name__`, transforms the checked function: the checks
run where the function runs, inside the transformation (at trace time under
`filter_jit`, once per compilation; per example under `filter_vmap`).
"""

from collections.abc import Callable
from typing import Any

from . import _runtime_check
from ._module import Module


def checked_as_method(
    owner: type, name: str, fun: Callable[..., Any]
) -> Callable[..., Any] | None:
    """`fun` with checks of its annotations, when it is a method of a Module
    class that needs them; None otherwise (then `fun` is used as it is)."""
    if not issubclass(owner, Module):
        return None
    namespace: dict[str, Any] = {name: fun}
    _runtime_check.wrap_checked_methods(namespace)
    checked: Callable[..., Any] = namespace[name]
    return None if checked is fun else checked
