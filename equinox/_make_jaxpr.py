"""`filter_make_jaxpr`: the jaxpr of a function of arbitrary pytrees."""

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeAlias

from jax.extend.core import ClosedJaxpr

from . import _jax_typed as jaxt
from ._leaves import PyTree
from ._traced_call import TracedCall

_P = ParamSpec("_P")

JaxprAndOutput: TypeAlias = tuple[ClosedJaxpr, PyTree, PyTree]


def filter_make_jaxpr(fun: Callable[_P, Any]) -> Callable[_P, JaxprAndOutput]:
    """`filter_make_jaxpr(fun)(*args, **kwargs)` gives `(jaxpr, out_struct,
    out_static)`.

    The jaxpr's inputs are the array leaves of `(fun, args, kwargs)` in
    flattening order (non-array leaves are static). `out_struct` is the output
    with `jax.ShapeDtypeStruct`s at its array leaves and None elsewhere;
    `out_static` is the output with None at its array leaves.
    """

    def make_jaxpr(*args: _P.args, **kwargs: _P.kwargs) -> JaxprAndOutput:
        call = TracedCall(fun, args, kwargs)
        jaxpr, shapes = jaxt.make_jaxpr(call.body, return_shape=True)(call.dynamic)
        out = call.output
        return jaxpr, out.arrays_only(shapes), out.static_only()

    return functools.wraps(fun)(make_jaxpr)  # pyright: ignore[reportArgumentType]  # copies metadata only
