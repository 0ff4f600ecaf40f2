"""`announce_transform`: say when JAX transforms a value.

A private identity primitive carries the value. Each of its rules (JVP,
transpose, batching, lowering to MLIR) calls `announce` with a line such as
`"x:jvp"` and re-binds the primitive on its outputs with the transform
appended, so later transforms are announced too (`"x:jvp:transpose"`).
Announcements happen when JAX applies the rule, that is at trace/lowering
time, not at every run of a compiled function.
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import jax.tree_util as jtu
from jax.extend.core import Primitive

from .._filters import is_array
from ._primitive import (
    Zero,
    bind,
    define,
    instantiate_zeros,
    is_undefined_primal,
    lowering_outputs,
)

_T = TypeVar("_T")

announce_p = Primitive("eqx_announce_transform")
announce_p.multiple_results = True


def _say(params: dict[str, Any], transform: str) -> None:
    stack: tuple[str, ...] = params["stack"]
    params["announce"](":".join((params["name"], *stack, transform)))


def _rebind(values: Sequence[Any], params: dict[str, Any], transform: str) -> Any:
    stack: tuple[str, ...] = params["stack"]
    return bind(announce_p, *values, **{**params, "stack": (*stack, transform)})


def _impl(*args: Any, **params: Any) -> tuple[Any, ...]:
    del params
    return args


def _abstract_eval(*avals: Any, **params: Any) -> tuple[Any, ...]:
    del params
    return avals


def _jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> Any:
    _say(params, "jvp")
    tangents = [instantiate_zeros(t) for t in tangents]
    primals_out = (
        _rebind(primals, params, "jvp") if params["intermediates"] else primals
    )
    return primals_out, _rebind(tangents, params, "jvp")


def _transpose(cts: Sequence[Any], *args: Any, **params: Any) -> Any:
    _say(params, "transpose")
    undefined = [is_undefined_primal(a) for a in args]
    cts = [instantiate_zeros(ct) if isinstance(ct, Zero) else ct for ct in cts]
    return [
        _rebind([ct], params, "transpose")[0] if u else None
        for ct, u in zip(cts, undefined, strict=True)
    ]


def _batch(args: Sequence[Any], dims: Sequence[Any], **params: Any) -> Any:
    _say(params, "vmap")
    return _rebind(args, params, "vmap"), dims


def _lower(ctx: Any, *args: Any, **params: Any) -> Sequence[Any]:
    del ctx
    _say(params, "lowering")
    return lowering_outputs(args)


define(
    announce_p,
    impl=_impl,
    abstract_eval=_abstract_eval,
    jvp=_jvp,
    transpose=_transpose,
    batch=_batch,
    lower=_lower,
)


def announce_transform(
    x: _T,
    name: str | None = None,
    intermediates: bool = False,
    announce: Callable[[str], object] = print,
) -> _T:
    """The identity on `x`; calls `announce(message)` whenever JAX applies a
    JVP, transpose, `vmap` or lowering to `x`'s arrays.

    Messages look like `"name:jvp"` or `"name:jvp:transpose"` (the chain of
    transforms so far). With `intermediates=False` the primal output of a JVP
    is not tracked further; `True` tracks it too.
    """
    leaves, treedef = jtu.tree_flatten(x)
    positions = [i for i, leaf in enumerate(leaves) if is_array(leaf)]
    if not positions:
        return x
    out: Sequence[Any] = bind(
        announce_p,
        *(leaves[i] for i in positions),
        name="x" if name is None else name,
        stack=(),
        intermediates=intermediates,
        announce=announce,
    )
    for i, value in zip(positions, out, strict=True):
        leaves[i] = value
    rebuilt: _T = jtu.tree_unflatten(treedef, leaves)
    return rebuilt
