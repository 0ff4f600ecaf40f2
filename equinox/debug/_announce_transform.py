"""`announce_transform`: say when JAX transforms a value.

A private identity primitive carries the value's arrays (one bind for all of
them). Its rules announce themselves as Equinox 0.13.8's do, prefixed by
`(name) ` when a name is given: `impl` (run eagerly), `abstract` (abstract
evaluation, i.e. traced), `mlir` (lowered), each after the chain of
transforms applied so far. A JVP rebinds the primal outputs with `jvp_p` and
the (non-zero) tangents with `jvp_t` appended to the chain, a transpose
appends `transpose`, a batching rule `vmap`; with `intermediates=True` these
three rules announce their own application too (`jvp`, `jvp_t:transpose`,
`vmap`). How often JAX evaluates a rule is JAX's business: e.g. `jax.grad`
announces `jvp_t:abstract` twice.
"""

from collections.abc import Callable, Hashable, Sequence
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

# Named as Equinox's, which is what a jaxpr shows.
announce_p = Primitive("announce_jaxpr")
announce_p.multiple_results = True


def _say(params: dict[str, Any], *chain: str) -> None:
    # `name` holds the prefix, `(name) ` or nothing (as a jaxpr shows it).
    params["announce"](params["name"] + ":".join(chain))


def _rebind(
    values: Sequence[Any], params: dict[str, Any], stack: tuple[str, ...]
) -> Any:
    return bind(announce_p, *values, **{**params, "stack": stack})


def _impl(*args: Any, **params: Any) -> tuple[Any, ...]:
    _say(params, *params["stack"], "impl")
    return args


def _abstract_eval(*avals: Any, **params: Any) -> tuple[Any, ...]:
    _say(params, *params["stack"], "abstract")
    return avals


def _jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> Any:
    stack: tuple[str, ...] = params["stack"]
    if params["intermediates"]:
        _say(params, *stack, "jvp")
    primals_out = _rebind(primals, params, (*stack, "jvp_p"))
    live = [i for i, t in enumerate(tangents) if not isinstance(t, Zero)]
    tangents_out = list(tangents)
    if live:
        bound = _rebind([tangents[i] for i in live], params, (*stack, "jvp_t"))
        for i, value in zip(live, bound, strict=True):
            tangents_out[i] = value
    return primals_out, tangents_out


def _transpose(cts: Sequence[Any], *args: Any, **params: Any) -> Any:
    stack: tuple[str, ...] = (*params["stack"], "transpose")
    if params["intermediates"]:
        _say(params, *stack)
    undefined = [is_undefined_primal(a) for a in args]
    cts = [instantiate_zeros(ct) if isinstance(ct, Zero) else ct for ct in cts]
    return [
        _rebind([ct], params, stack)[0] if u else None
        for ct, u in zip(cts, undefined, strict=True)
    ]


def _batch(args: Sequence[Any], dims: Sequence[Any], **params: Any) -> Any:
    stack: tuple[str, ...] = (*params["stack"], "vmap")
    if params["intermediates"]:
        _say(params, *stack)
    return _rebind(args, params, stack), dims


def _lower(ctx: Any, *args: Any, **params: Any) -> Sequence[Any]:
    del ctx
    _say(params, *params["stack"], "mlir")
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
    name: Hashable | None = None,
    intermediates: bool = False,
    announce: Callable[[str], object] = print,
) -> _T:
    """The identity on `x`; calls `announce(message)` whenever JAX runs,
    traces, lowers, differentiates, transposes or batches `x`'s arrays, with
    Equinox 0.13.8's messages: `(name) jvp_p:impl`, `(name) vmap:abstract`,
    `(name) jvp_t:transpose:mlir`, ... (no `(name) ` prefix without a name).

    With `intermediates=True` the JVP, transpose and batching rules also
    announce their own application (`jvp`, `jvp_t:transpose`, `vmap`).
    """
    leaves, treedef = jtu.tree_flatten(x)
    positions = [i for i, leaf in enumerate(leaves) if is_array(leaf)]
    out: Sequence[Any] = bind(
        announce_p,
        *(leaves[i] for i in positions),
        name="" if name is None else f"({name}) ",
        stack=(),
        intermediates=intermediates,
        announce=announce,
    )
    for i, value in zip(positions, out, strict=True):
        leaves[i] = value
    rebuilt: _T = jtu.tree_unflatten(treedef, leaves)
    return rebuilt
