"""`filter_closure_convert`: a function whose closed-over arrays (including
tracers of an enclosing transformation) become explicit pytree leaves."""

from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar, cast

import jax
import jax.tree_util as jtu
from jax.extend.core import ClosedJaxpr, Jaxpr, jaxpr_as_fun

from . import _jax_typed as jaxt
from ._field import field
from ._leaves import is_traced
from ._module import Module
from ._traced_call import SplitOutput, TracedCall

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)


def _is_example_array(leaf: object) -> bool:
    """Example arguments may give arrays as `jax.ShapeDtypeStruct`s."""
    return is_traced(leaf) or isinstance(leaf, jax.ShapeDtypeStruct)


def _signature(leaves: list[Any]) -> tuple[Any, ...]:
    sig: list[Any] = []
    for leaf in leaves:
        if _is_example_array(leaf):
            aval = jax.typeof(leaf)
            sig.append((aval.shape, aval.dtype))
        else:
            sig.append(leaf)
    return tuple(sig)


class _Traced:
    """The traced body and how to rebuild its output (static metadata). Two
    conversions that traced to the same program compare equal, so modules
    holding them (e.g. a solver's state, converted once per trace) combine."""

    def __init__(self, jaxpr: Jaxpr, output: SplitOutput) -> None:
        self.jaxpr = jaxpr
        self.output = output
        self._key = (str(jaxpr), output.treedef, tuple(output.static))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Traced) and self._key == other._key

    def __hash__(self) -> int:
        try:
            return hash(self._key)
        except TypeError:  # unhashable static outputs: the program alone
            return hash(self._key[0])


class _ClosureConverted(Module, Generic[_P, _R_co]):
    """The traced body of a function with its closed-over values as `consts`
    (pytree leaves). Callable with arguments of the structure, shapes and
    static values it was converted for."""

    consts: list[Any]
    traced: _Traced = field(static=True)
    in_treedef: Any = field(static=True)
    in_signature: tuple[Any, ...] = field(static=True)
    # The output's shapes/dtypes (`ShapeDtypeStruct`s) and static leaves.
    out_struct: Any = field(static=True)

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co:
        leaves, treedef = jtu.tree_flatten((args, kwargs))
        if treedef != self.in_treedef or _signature(leaves) != self.in_signature:
            # ValueError: the class Equinox raises here.
            raise ValueError(
                "a filter_closure_convert-ed function must be called with arguments "
                "of the same structure, shapes, dtypes and static values as the "
                f"example arguments it was converted with; expected {self.in_treedef} "
                f"with {self.in_signature}, got {treedef} with {_signature(leaves)}."
            )
        dynamic = [leaf for leaf in leaves if is_traced(leaf)]
        run = cast("Callable[..., Any]", jaxpr_as_fun)(
            ClosedJaxpr(self.traced.jaxpr, self.consts)
        )
        return self.traced.output.rebuild(run(*dynamic))  # type: ignore[no-any-return]  # the function's output


def filter_closure_convert(
    fn: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs
) -> _ClosureConverted[_P, _R]:
    """Trace `fn` at the example `args`/`kwargs` and return an equivalent
    callable (a Module) whose closed-over arrays are its own pytree leaves.

    Use it to pass a function that closes over tracers into a custom
    derivative rule (`filter_custom_vjp`) or a `jax.lax` loop, where closing
    over tracers is not allowed. The result accepts only arguments like the
    examples (same structure, shapes, dtypes and static leaves).
    """

    def call(*a: Any, **k: Any) -> Any:
        return fn(*a, **k)

    traced = TracedCall(call, args, kwargs, traced=_is_example_array)
    closed = jaxt.make_jaxpr(traced.body)(traced.dynamic)
    leaves = jtu.tree_leaves((args, kwargs))
    out_avals: list[Any] = list(closed.out_avals)  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]  # jax leaves avals untyped
    out_struct = traced.output.rebuild(
        [jaxt.ShapeDtypeStruct(a.shape, a.dtype) for a in out_avals]
    )
    return _ClosureConverted(
        consts=list(closed.consts),
        traced=_Traced(closed.jaxpr, traced.output),
        in_treedef=jtu.tree_structure((args, kwargs)),
        in_signature=_signature(leaves),
        out_struct=out_struct,
    )
