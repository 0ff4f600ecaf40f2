"""Run-time checking of Modules against their annotations (on by default).

Two hooks, both called by the Module metaclass when a class is created:

- `build_field_checker(cls)` gives the function construction runs once per
  user construction, after converters and before `__check_init__` (JAX
  rebuilding a tree never constructs, so never checks);
- `wrap_checked_methods(namespace)` replaces `__call__` and the public methods
  whose signature mentions a jaxtyping type by checking wrappers.

What a mismatch does (raise, warn once, nothing) is the class's level: see
`_level` for the `typecheck=` class keyword, `eqx.set_typecheck_level(...,
package=...)` and the environment variable `EQX_TYPECHECK`.

Modules of this package import one way only, each from those above it:

    _memo           jaxtyping's dimension memo (the only use of its internals)
    _names          how classes, annotations and values are spelled
    _arrays         fast checks for common array types; NumPy acceptance
    _array_reasons  why a value fails an array type (with cast advice)
    _containers     complete checks of list/tuple/dict/set annotations
    _hints          an annotation compiled to a `HintCheck`
    _explain        why a value failed, replaying the checks that passed
    _errors         `TypeCheckError`, `TypeCheckWarning`, message text
    _level          error / warn / off, per class, package and environment
    _report         raise, warn once, or ignore a mismatch
    _fields         checking the fields of a new instance
    _methods        checking the arguments and return value of a method call
    (this file)     the hooks the Module metaclass calls
"""

from collections.abc import Callable, MutableMapping
from typing import Any

from ._fields import make_field_checker
from ._level import ENABLED, LevelSpec, checks_run
from ._methods import checked_method

__all__ = ["LevelSpec", "build_field_checker", "wrap_checked_methods"]


def build_field_checker(cls: type) -> Callable[[Any], None] | None:
    """The field checker for `cls`, or None when there is nothing to check."""
    if not checks_run(cls):
        return None
    return make_field_checker(cls)


def wrap_checked_methods(namespace: MutableMapping[str, Any]) -> None:
    """Replace the methods of a class body that need checking by checking
    wrappers (still plain functions). Whether a call is checked is decided
    per call by the instance's class (`typecheck=` of `type(self)`)."""
    if not ENABLED:
        return
    for name, value in list(namespace.items()):
        wrapper = checked_method(name, value)
        if wrapper is not None:
            namespace[name] = wrapper
