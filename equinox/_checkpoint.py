"""`filter_checkpoint`: rematerialisation (`jax.checkpoint`) for functions of
arbitrary pytrees."""

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, Protocol, TypeVar, cast, overload

from . import _jax_typed as jaxt
from ._partial import module_update_wrapper
from ._traced_call import TracedCall
from ._transform_wrapper import FunWrapper

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


class _CheckpointWrapper(FunWrapper, typecheck=False):
    """`filter_checkpoint(fun)` at run time: a Module over the function and
    the options (fields as Equinox's)."""

    _prevent_cse: bool
    _policy: Callable[..., bool] | None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = TracedCall(self._fun, args, kwargs)
        remat = jaxt.checkpoint(
            call.body, prevent_cse=self._prevent_cse, policy=self._policy
        )
        return call.output.rebuild(remat(call.dynamic))
