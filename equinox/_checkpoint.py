"""`filter_checkpoint`: rematerialisation (`jax.checkpoint`) for functions of
arbitrary pytrees."""

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, Protocol, TypeVar, cast, overload

from . import _jax_typed as jaxt
from ._method_checks import checked_as_method
from ._module import Module
from ._partial import Partial, module_update_wrapper
from ._traced_call import TracedCall

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _CheckpointDecorator(Protocol):
    def __call__(self, fun: Callable[_P, _R], /) -> Callable[_P, _R]: ...


@overload
def filter_checkpoint(
    fun: Callable[_P, _R],
    /,
    *,
    prevent_cse: bool = True,
    policy: Callable[..., bool] | None = None,
) -> Callable[_P, _R]: ...
@overload
def filter_checkpoint(
    fun: None = None,
    /,
    *,
    prevent_cse: bool = True,
    policy: Callable[..., bool] | None = None,
) -> _CheckpointDecorator: ...
def filter_checkpoint(
    fun: Callable[_P, _R] | None = None,
    /,
    *,
    prevent_cse: bool = True,
    policy: Callable[..., bool] | None = None,
) -> Callable[_P, _R] | _CheckpointDecorator:
    """Like `jax.checkpoint`: intermediate values of `fun` are recomputed on
    the backward pass instead of stored. Arrays are traced, every other leaf
    is static. `prevent_cse` and `policy` are passed to `jax.checkpoint`."""
    if fun is None:
        # A `functools.partial`, as Equinox returns.
        decorator = functools.partial(
            filter_checkpoint, prevent_cse=prevent_cse, policy=policy
        )
        return cast("_CheckpointDecorator", decorator)
    wrapper = _CheckpointWrapper(_fun=fun, _prevent_cse=prevent_cse, _policy=policy)
    return cast("Callable[_P, _R]", module_update_wrapper(wrapper))


class _CheckpointWrapper(Module, typecheck=False):
    """`filter_checkpoint(fun)` at run time: a Module over the function and
    the options (fields as Equinox's)."""

    _fun: Callable[..., Any]
    _prevent_cse: bool
    _policy: Callable[..., bool] | None

    @property
    def __wrapped__(self) -> Callable[..., Any]:
        return self._fun

    def __get__(self, instance: object, owner: type[Any] | None = None) -> Any:
        # A method: bound as a pytree `Partial`, as in Equinox.
        if instance is None:
            return self
        return Partial(self, instance)

    def __set_name__(self, owner: type, name: str) -> None:
        # A method of a Module class: checkpoint its checked version.
        checked = checked_as_method(owner, name, self._fun)
        if checked is not None:
            object.__setattr__(self, "_fun", checked)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = TracedCall(self._fun, args, kwargs)
        remat = jaxt.checkpoint(
            call.body, prevent_cse=self._prevent_cse, policy=self._policy
        )
        return call.output.rebuild(remat(call.dynamic))
