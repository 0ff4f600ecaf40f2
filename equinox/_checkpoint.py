"""`filter_checkpoint`: rematerialisation (`jax.checkpoint`) for functions of
arbitrary pytrees."""

import functools
from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar, overload

from . import _jax_typed as jaxt
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

        def decorator(f: Callable[_P, _R], /) -> Callable[_P, _R]:
            return filter_checkpoint(f, prevent_cse=prevent_cse, policy=policy)

        return decorator  # type: ignore[return-value]  # generic function matches the protocol
    checkpointed_fun = fun

    def checkpointed(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        call = TracedCall(checkpointed_fun, args, kwargs)
        remat = jaxt.checkpoint(call.body, prevent_cse=prevent_cse, policy=policy)
        return call.output.rebuild(remat(call.dynamic))  # type: ignore[no-any-return]  # `fun`'s output

    return functools.wraps(fun)(checkpointed)  # pyright: ignore[reportArgumentType]  # copies metadata only
