"""The Module bases of what the filtered transformations return.

`MethodBinding`: looked up on an instance (a transformation written in a
class body), the wrapper binds as a pytree `eqx.Partial`, as in Equinox.

`FunWrapper`: a wrapper whose `_fun` field is the transformed function;
`__wrapped__` gives it, and in a Module class body `__set_name__` swaps in
its run-time-checked version (see `_method_checks`).
"""

from collections.abc import Callable
from typing import Any, cast

from ._method_checks import checked_as_method
from ._module import Module
from ._partial import Partial


class MethodBinding(Module, typecheck=False):
    def __get__(self, instance: object, owner: type[Any] | None = None) -> Any:
        if instance is None:
            return self
        # Itself (a pytree), not its bound `__call__`: every subclass is callable.
        return Partial(cast("Callable[..., Any]", self), instance)


class FunWrapper(MethodBinding, typecheck=False):
    _fun: Callable[..., Any]

    @property
    def __wrapped__(self) -> Callable[..., Any]:
        return self._fun

    def __set_name__(self, owner: type, name: str) -> None:
        checked = checked_as_method(owner, name, self._fun)
        if checked is not None:
            object.__setattr__(self, "_fun", checked)
