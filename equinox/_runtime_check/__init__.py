"""Run-time checking of Modules against their annotations (on by default).

Two hooks, both called by the Module metaclass when a class is created:

- `build_field_checker(cls)` gives the function `_construct` runs once per
  user construction, after converters and before `__check_init__` (JAX
  rebuilding a tree never constructs, so never checks);
- `wrap_checked_methods(namespace)` replaces `__call__` and the public methods
  whose signature mentions a jaxtyping type by checking wrappers.

Control: the class keyword `typecheck=False` (stored as `__eqx_typecheck__`,
inherited) turns checking off for a class and its subclasses; the environment
variable `EQX_TYPECHECK=0`, read once at import, turns it off everywhere.

Modules of this package import one way only, each from those above it:

    _memo       jaxtyping's dimension memo (the only use of its internals)
    _arrays     fast checks for the commonest jaxtyping array types
    _hints      an annotation compiled to a `HintCheck`
    _explain    why a value failed, replaying the checks that passed
    _errors     `TypeCheckError` and the text of its messages
    _fields     checking the fields of a new instance
    _methods    checking the arguments and return value of a method call
    (this file) the hooks the Module metaclass calls
"""

import os
from collections.abc import Callable, MutableMapping
from typing import Any, Final

from ._fields import make_field_checker
from ._methods import checked_method

_OFF: Final = frozenset({"0", "false", "off", "no"})
_ON: Final = frozenset({"", "1", "true", "on", "yes"})


def _read_environment() -> bool:
    value = os.environ.get("EQX_TYPECHECK", "1").strip().lower()
    if value not in _OFF | _ON:
        raise ValueError(
            f"EQX_TYPECHECK={value!r} is not understood: use 1 (run-time type "
            "checking on, the default) or 0 (off)."
        )
    return value in _ON


ENABLED: Final = _read_environment()


def class_checks_enabled(cls: type) -> bool:
    return ENABLED and bool(getattr(cls, "__eqx_typecheck__", True))


def build_field_checker(cls: type) -> Callable[[Any], None] | None:
    """The field checker for `cls`, or None when there is nothing to check."""
    if not class_checks_enabled(cls):
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
