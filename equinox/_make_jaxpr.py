"""`filter_make_jaxpr`: the jaxpr of a function of arbitrary pytrees."""

from collections.abc import Callable
from typing import Any, ParamSpec, TypeAlias, cast

from jax.extend.core import ClosedJaxpr

from . import _jax_typed as jaxt
from ._leaves import PyTree
from ._module import Module
from ._partial import module_update_wrapper
from ._traced_call import TracedCall

_P = ParamSpec("_P")

JaxprAndOutput: TypeAlias = tuple[ClosedJaxpr, PyTree, PyTree]


class _MakeJaxpr(Module, typecheck=False):
    """`filter_make_jaxpr(fun)` at run time: a Module over the function (its
    arrays are leaves), as in Equinox."""

    fn: Callable[..., Any]

    @property
    def __wrapped__(self) -> Callable[..., Any]:
        return self.fn

    def __call__(self, *args: Any, **kwargs: Any) -> JaxprAndOutput:
        fn = self.fn

        def closed(*args: Any, **kwargs: Any) -> Any:
            # The function's own arrays are closed over (jaxpr constants),
            # not inputs, as in Equinox.
            return fn(*args, **kwargs)

        call = TracedCall(closed, args, kwargs)
        jaxpr, shapes = jaxt.make_jaxpr(call.body, return_shape=True)(call.dynamic)
        out = call.output
        return jaxpr, out.arrays_only(shapes), out.static_only()


def filter_make_jaxpr(fun: Callable[_P, Any]) -> Callable[_P, JaxprAndOutput]:
    """`filter_make_jaxpr(fun)(*args, **kwargs)` gives `(jaxpr, out_struct,
    out_static)`.

    The jaxpr's inputs are the array leaves of `(args, kwargs)` in flattening
    order (non-array leaves are static); the arrays of `fun` itself (a module,
    say) are constants of the jaxpr. `out_struct` is the output
    with `jax.ShapeDtypeStruct`s at its array leaves and None elsewhere;
    `out_static` is the output with None at its array leaves.
    """
    return cast("Callable[_P, JaxprAndOutput]", module_update_wrapper(_MakeJaxpr(fun)))
