"""Primitives whose rules take and return arbitrary pytrees.

`filter_primitive_bind(prim, *args)` flattens `args`: the arrays become the
primitive's operands; everything else (and both treedefs) travels in its
params. Before binding, the output structure is found by running the
primitive's abstract evaluation once (a `_Probe` param collects it), so that
the flat results can be rebuilt into the rule's pytree. The `filter_primitive_*`
wrappers translate between JAX's flat rule conventions and pytree rules:
symbolic zeros and `not_mapped` become `None`, and back.
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast, overload

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax.core import ShapedArray
from jax.extend.core import Primitive
from jax.interpreters import ad, batching, mlir

from .._leaves import PyTree
from ..debug._primitive import bind

_T = TypeVar("_T")
Rule = Callable[..., Any]
_lax_map = cast("Callable[..., Any]", jax.lax.map)  # pyright: ignore[reportUnknownMemberType]  # partly untyped

_STRUCT_TYPES = (
    jax.Array,
    np.ndarray,
    np.generic,
    jax.ShapeDtypeStruct,
    ShapedArray,
)


def _is_jax_literal(leaf: object) -> bool:
    """JAX hands rules some constants as typed Python scalars (`TypedFloat`,
    …): arrays in all but class."""
    return type(leaf).__module__ == "jax._src.literals"


def _is_dynamic(leaf: object) -> bool:
    return isinstance(leaf, _STRUCT_TYPES) or _is_jax_literal(leaf)


class _Probe:
    """Collects the output structure during the probing abstract evaluation."""

    def __init__(self) -> None:
        self.info: tuple[Any, tuple[Any, ...], tuple[bool, ...]] | None = None


def _split(tree: Any) -> tuple[list[Any], Any, tuple[Any, ...], tuple[bool, ...]]:
    """Flatten into (dynamic leaves, treedef, static leaves, dynamic mask)."""
    leaves, treedef = jtu.tree_flatten(tree)
    mask = tuple(_is_dynamic(x) for x in leaves)
    dynamic = [x for x, m in zip(leaves, mask, strict=True) if m]
    static = tuple(None if m else x for x, m in zip(leaves, mask, strict=True))
    return dynamic, treedef, static, mask


def _rebuild(
    dynamic: Sequence[Any],
    treedef: Any,
    static: tuple[Any, ...],
    mask: tuple[bool, ...],
) -> Any:
    it = iter(dynamic)
    leaves = [next(it) if m else s for s, m in zip(static, mask, strict=True)]
    return jtu.tree_unflatten(treedef, leaves)


def _rebuild_none(dynamic: Sequence[Any], treedef: Any, mask: tuple[bool, ...]) -> Any:
    """As `_rebuild`, with `None` at every static leaf (for tangents/axes)."""
    it = iter(dynamic)
    leaves = [next(it) if m else None for m in mask]
    return jtu.tree_unflatten(treedef, leaves)


def _leaves_up_to(treedef: Any, mask: tuple[bool, ...], tree: Any) -> list[Any]:
    """The entries of `tree` (a prefix-matching pytree with `None`s) at the
    dynamic positions of `treedef`."""
    leaves = treedef.flatten_up_to(tree)
    return [x for x, m in zip(leaves, mask, strict=True) if m]


def _args(params: dict[str, Any], flat: Sequence[Any]) -> Any:
    return _rebuild(flat, params["treedef"], params["static"], params["mask"])


def _as_array(x: Any) -> Any:
    return jnp.asarray(x) if _is_jax_literal(x) else x


def _record(params: dict[str, Any], out: Any) -> list[Any]:
    dynamic, treedef, static, mask = _split(out)
    dynamic = [_as_array(x) for x in dynamic]
    probe = params["out_info"]
    if isinstance(probe, _Probe):
        probe.info = (treedef, static, mask)
    return dynamic


def filter_primitive_def(rule: Rule) -> Rule:
    """For wrapping def_impl and def_abstract_eval.

    These can now take arbitrary inputs and outputs."""

    def wrapper(*flat: Any, **params: Any) -> list[Any]:
        out = rule(*_args(params, flat))
        dynamic = _record(params, out)
        return [
            ShapedArray(x.shape, x.dtype) if isinstance(x, jax.ShapeDtypeStruct) else x
            for x in dynamic
        ]

    return wrapper


def _abstractify(x: Any) -> Any:
    return jax.typeof(x)


def filter_primitive_bind(prim: Primitive, *args: Any) -> PyTree:
    """Calls a primitive that has had its rules defined using the filter
    functions above."""
    if not prim.multiple_results:
        raise AssertionError(  # the class the original raises
            f"filter_primitive_bind: primitive {prim.name!r} must have "
            "`multiple_results = True`."
        )
    dynamic, treedef, static, mask = _split(args)
    dynamic = [
        jnp.asarray(x) if isinstance(x, np.generic) or _is_jax_literal(x) else x
        for x in dynamic
    ]
    params: dict[str, Any] = {"treedef": treedef, "static": static, "mask": mask}
    probe = _Probe()
    avals = [_abstractify(x) for x in dynamic]
    prim.abstract_eval(*avals, **params, out_info=probe)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
    if probe.info is None:
        raise RuntimeError(
            f"filter_primitive_bind: primitive {prim.name!r} must define its "
            "abstract evaluation with `filter_primitive_def`."
        )
    out_treedef, out_static, out_mask = probe.info
    flat_out = prim.bind(*dynamic, **params, out_info=probe.info)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]  # jax leaves bind untyped
    return _rebuild(flat_out, out_treedef, out_static, out_mask)  # pyright: ignore[reportUnknownArgumentType]  # flat outputs of bind


def _out_info(params: dict[str, Any]) -> tuple[Any, tuple[Any, ...], tuple[bool, ...]]:
    info = params["out_info"]
    if isinstance(info, _Probe):
        assert info.info is not None
        return info.info
    return info  # type: ignore[no-any-return]  # the tuple bind stored


def _zero_to_none(x: Any) -> Any:
    return None if type(x) is ad.Zero else x


def filter_primitive_jvp(rule: Rule) -> Rule:
    """The input tangents (to the wrapped rule) will be a PyTree with the same
    structure as the input primals. `None` indicates symbolic zero tangents,
    in particular for non-JAX-array-likes.

    The output tangents are expected to match the output primals, necessarily
    with `None` for all non-JAX-array-likes."""

    def wrapper(
        primals: Sequence[Any], tangents: Sequence[Any], **params: Any
    ) -> tuple[list[Any], list[Any]]:
        args = _args(params, primals)
        t_args = _rebuild_none(
            [_zero_to_none(t) for t in tangents], params["treedef"], params["mask"]
        )
        out, t_out = rule(args, t_args)
        out_dyn, out_treedef, _, out_mask = _split(out)
        out_dyn = [_as_array(x) for x in out_dyn]
        t_dyn = _leaves_up_to(out_treedef, out_mask, t_out)
        t_flat = [
            ad.Zero(jax.typeof(p).to_tangent_aval()) if t is None else t  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
            for p, t in zip(out_dyn, t_dyn, strict=True)
        ]
        return out_dyn, t_flat

    return wrapper


_sentinel: Any = object()


@overload
def filter_primitive_transpose(
    rule: Rule, *, materialise_zeros: bool = False
) -> Rule: ...
@overload
def filter_primitive_transpose(
    *, materialise_zeros: bool = False
) -> Callable[[Rule], Rule]: ...
def filter_primitive_transpose(
    rule: Rule = _sentinel, *, materialise_zeros: bool = False
) -> Rule | Callable[[Rule], Rule]:
    """The `inputs` to the transpose rule are a PyTree like the primal
    inputs, with `UndefinedPrimal`s where appropriate.

    The `cts_out` passed to the transpose rule are a PyTree like the
    primal output, with `None` for symbolic zero cotangents, in particular
    for non-JAX-array-likes.

    The output from the rule should be a PyTree like the primal input.
    All leaves which were non-JAX-array-like, or which should have zero
    cotangent, should have cotangent `None`."""
    if rule is _sentinel:

        def decorator(r: Rule) -> Rule:
            return filter_primitive_transpose(r, materialise_zeros=materialise_zeros)

        return decorator

    def wrapper(cts: Sequence[Any], *flat: Any, **params: Any) -> list[Any]:
        inputs = _args(params, flat)
        out_treedef, _, out_mask = _out_info(params)
        if materialise_zeros:
            cts = [ad.instantiate_zeros(c) for c in cts]  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
        cts_out = _rebuild_none([_zero_to_none(c) for c in cts], out_treedef, out_mask)
        cts_in = rule(inputs, cts_out)
        ct_flat = _leaves_up_to(params["treedef"], params["mask"], cts_in)
        result: list[Any] = []
        for x, ct in zip(flat, ct_flat, strict=True):
            if ad.is_undefined_primal(x):  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
                result.append(ad.Zero(x.aval) if ct is None else ct)
            else:
                result.append(None)
        return result

    return wrapper


def filter_primitive_batching(rule: Rule) -> Rule:
    """The input batch axes (to the wrapped rule) will be a PyTree with the same
    structure as the input primals, with `None` for all non-JAX-arrays.

    The output batch axes are expected to match the output primals, with `None`
    for all non-JAX-arrays."""

    def wrapper(
        flat: Sequence[Any], dims: Sequence[Any], **params: Any
    ) -> tuple[list[Any], list[Any]]:
        args = _args(params, flat)
        axes = _rebuild_none(list(dims), params["treedef"], params["mask"])
        out, out_axes = rule(args, axes)
        out_dyn, out_treedef, _, out_mask = _split(out)
        axes_dyn = _leaves_up_to(out_treedef, out_mask, out_axes)
        return out_dyn, list(axes_dyn)

    return wrapper


def materialise_zeros(primal: Any, tangent: Any, allow_struct: bool = False) -> Any:
    """Replace each `None` (symbolic zero) in `tangent` by zeros shaped like
    the matching array of `primal`. Non-arrays keep `None`; a
    `ShapeDtypeStruct` counts as an array only with `allow_struct=True`."""

    def one(p: Any, t: Any) -> Any:
        if t is not None:
            return t
        is_struct = isinstance(p, jax.ShapeDtypeStruct)
        if isinstance(p, jax.Array | np.ndarray | np.generic) or (
            allow_struct and is_struct
        ):
            dtype = jax.dtypes.result_type(p)
            shape: tuple[int, ...] = tuple(cast(Any, p).shape)
            if jnp.issubdtype(dtype, jnp.inexact):
                return jnp.zeros(shape, dtype)
            return np.zeros(shape, jax.dtypes.float0)
        return None

    return jtu.tree_map(one, primal, tangent, is_leaf=lambda x: x is None)


def _lax_map_batching(prim: Primitive) -> Rule:
    """Batch by looping over the batch (a `lax.map`), binding the unbatched
    primitive once per element; every output is batched along axis 0."""

    def rule(
        flat: Sequence[Any], dims: Sequence[Any], **params: Any
    ) -> tuple[list[Any], list[Any]]:
        moved = [
            x if d is None else jnp.moveaxis(x, d, 0)
            for x, d in zip(flat, dims, strict=True)
        ]
        batched = [i for i, d in enumerate(dims) if d is not None]

        def one(xs: list[Any]) -> list[Any]:
            operands = list(moved)
            for i, x in zip(batched, xs, strict=True):
                operands[i] = x
            return bind(prim, *operands, **params)  # type: ignore[no-any-return]  # flat outputs

        out: list[Any] = _lax_map(one, [moved[i] for i in batched])
        return out, [0] * len(out)

    return rule


def create_vprim(
    name: str, impl: Rule, abstract_eval: Rule, jvp: Rule, transpose: Rule
) -> Primitive:
    """A primitive from rules already wrapped with `filter_primitive_def`
    (`impl`, `abstract_eval`), `filter_primitive_jvp` and
    `filter_primitive_transpose`, batched automatically by mapping the
    unbatched primitive over the batch."""
    prim = Primitive(name)
    prim.multiple_results = True
    prim.def_impl(impl)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
    prim.def_abstract_eval(abstract_eval)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
    ad.primitive_jvps[prim] = jvp  # pyright: ignore[reportUnknownMemberType]  # jax leaves the rule type untyped
    ad.primitive_transposes[prim] = transpose  # pyright: ignore[reportUnknownMemberType]  # jax leaves the rule type untyped
    batching.primitive_batchers[prim] = _lax_map_batching(prim)
    mlir.register_lowering(prim, mlir.lower_fun(impl, multiple_results=True))  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
    return prim
