"""`filter_eval_shape`: the output's shapes and dtypes without computing it."""

from collections.abc import Callable
from typing import ParamSpec, TypeVar

import jax

from . import _jax_typed as jaxt
from ._leaves import ARRAY_TYPES
from ._traced_call import TracedCall

_P = ParamSpec("_P")
_R = TypeVar("_R")


def filter_eval_shape(fun: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """Evaluate `fun(*args, **kwargs)` abstractly: array leaves of the output
    become `jax.ShapeDtypeStruct`s, every other leaf is returned as it is.

    Nothing is computed and no memory is allocated for arrays, so this is the
    way to get the structure of a large model (`filter_eval_shape(Model,
    key=key)`). Array arguments may be arrays or `jax.ShapeDtypeStruct`s.
    """
    call = TracedCall(fun, args, kwargs, traced=_is_traced_input)
    shapes = jaxt.eval_shape(call.body, call.dynamic)
    return call.output.rebuild(shapes)  # type: ignore[no-any-return]  # `fun`'s output, abstract


def _is_traced_input(leaf: object) -> bool:
    return isinstance(leaf, (*ARRAY_TYPES, jax.ShapeDtypeStruct))
