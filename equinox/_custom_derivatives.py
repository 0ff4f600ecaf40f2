"""`filter_custom_jvp` and `filter_custom_vjp`: custom derivative rules where
the differentiable arguments are found by filtering (floating-point arrays)
instead of being declared with `nondiff_argnums`."""

import functools
import warnings
from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, cast

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax.custom_derivatives import SymbolicZero

from ._leaves import ARRAY_TYPES, PyTree, args_path, is_inexact
from ._tree_paths import flatten_with_path

_P = ParamSpec("_P")
_R = TypeVar("_R")
_T = TypeVar("_T")

_flatten = jtu.tree_flatten


def _name(fn: object) -> str:
    return getattr(fn, "__qualname__", repr(fn))


class _Parts:
    """Leaves of a pytree in three groups: differentiable arrays, other
    arrays, static leaves (closed over)."""

    def __init__(self, tree: Any, differentiable: Callable[[int, Any], bool]) -> None:
        leaves, self.treedef = _flatten(tree)
        self.leaves: list[Any] = leaves
        self.kind: list[int] = []  # 0 differentiable, 1 other array, 2 static
        for i, leaf in enumerate(leaves):
            if differentiable(i, leaf):
                self.kind.append(0)
            elif isinstance(leaf, ARRAY_TYPES):
                self.kind.append(1)
            else:
                self.kind.append(2)
        self.diff = [leaf for leaf, k in zip(leaves, self.kind, strict=True) if k == 0]
        self.other = [leaf for leaf, k in zip(leaves, self.kind, strict=True) if k == 1]

    def rebuild(self, diff: Any, other: Any) -> Any:
        di, oi = iter(diff), iter(other)
        return self.treedef.unflatten(
            [
                next(di) if k == 0 else next(oi) if k == 1 else leaf
                for leaf, k in zip(self.leaves, self.kind, strict=True)
            ]
        )

    def at_diff(self, values: Any, fill: Any) -> Any:
        """The tree with `values` at the differentiable leaves, `fill` elsewhere."""
        it = iter(values)
        return self.treedef.unflatten([next(it) if k == 0 else fill for k in self.kind])


class filter_custom_jvp(Generic[_P, _R]):
    """`jax.custom_jvp` without `nondiff_argnums`: floating-point arrays among
    the positional arguments are differentiable, everything else (including
    all keyword arguments) is not.

        @eqx.filter_custom_jvp
        def f(x, y, *, fn): ...

        @f.def_jvp
        def f_jvp(primals, tangents, *, fn):
            x, y = primals
            tx, ty = tangents  # None where not differentiable
            ...
            return primal_out, tangent_out
    """

    def __init__(self, fn: Callable[_P, _R]) -> None:
        self.fn = fn
        self.jvp: Callable[..., tuple[_R, _R]] | None = None
        functools.update_wrapper(self, fn)  # pyright: ignore[reportArgumentType]  # copies metadata only

    def def_jvp(
        self, jvp: Callable[..., tuple[_R, _R]]
    ) -> Callable[..., tuple[_R, _R]]:
        """Register `jvp(primals, tangents, **kwargs) -> (out, tangent_out)`."""
        self.jvp = jvp
        return jvp

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        jvp_rule = self.jvp
        if jvp_rule is None:
            raise RuntimeError(
                f"filter_custom_jvp({_name(self.fn)}) was called before a rule "
                "was registered with `.def_jvp`."
            )
        num_args = len(jtu.tree_leaves(args))
        parts = _Parts(
            (args, kwargs), lambda i, leaf: i < num_args and is_inexact(leaf)
        )
        fn: Callable[..., Any] = self.fn

        @jax.custom_jvp
        def call(diff: list[Any], other: list[Any]) -> Any:
            a, k = parts.rebuild(diff, other)
            return fn(*a, **k)

        def call_jvp(primals: Any, tangents: Any) -> Any:
            diff, other = primals
            a, k = parts.rebuild(diff, other)
            # Symbolic zeros (inputs not being differentiated) reach the rule
            # as None, so it can skip their terms.
            diff_tangents = [
                None if isinstance(t, SymbolicZero) else t for t in tangents[0]
            ]
            tangent_args, _ = parts.at_diff(diff_tangents, None)
            out, t_out = jvp_rule(a, tangent_args, **k)
            return out, _materialise_like(out, t_out)

        call.defjvp(call_jvp, symbolic_zeros=True)  # pyright: ignore[reportUnknownMemberType]  # jax leaves defjvp partially untyped
        return call(parts.diff, parts.other)  # type: ignore[no-any-return]  # the output of `fn`

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return functools.partial(cast("Callable[..., Any]", self), instance)


def _materialise_like(primal_out: Any, tangent_out: Any) -> Any:
    """A jvp rule's output tangents with None (zero) made explicit zeros."""

    def fill(p: Any, t: Any) -> Any:
        if not isinstance(p, ARRAY_TYPES):
            return t
        if t is None or isinstance(t, SymbolicZero):
            return _materialise(SymbolicZero(jax.typeof(p).to_tangent_aval()))  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]  # jax leaves avals untyped
        return t

    return jtu.tree_map(fill, primal_out, tangent_out, is_leaf=lambda x: x is None)


def _is_float0(leaf: Any) -> bool:
    return getattr(leaf, "dtype", None) == jax.dtypes.float0


def _symbolic(cotangent: Any) -> Any:
    """The cotangent a `def_bwd` rule sees: `None` for a symbolic zero and for
    outputs that have no cotangent (integers and other non-float outputs)."""

    def fill(leaf: Any) -> Any:
        if isinstance(leaf, SymbolicZero) or _is_float0(leaf):
            return None
        return leaf

    return jtu.tree_map(fill, cotangent, is_leaf=lambda x: isinstance(x, SymbolicZero))


def _legacy(cotangent: Any) -> Any:
    """The cotangent a `defvjp` rule sees: zeros for floating-point outputs,
    `None` for outputs that have no cotangent."""

    def fill(leaf: Any) -> Any:
        if isinstance(leaf, SymbolicZero):
            leaf = _materialise(leaf)
        return None if _is_float0(leaf) else leaf

    return jtu.tree_map(fill, cotangent, is_leaf=lambda x: isinstance(x, SymbolicZero))


def _materialise(cotangent: Any) -> Any:
    def fill(leaf: Any) -> Any:
        if isinstance(leaf, SymbolicZero):
            aval: Any = leaf.aval  # pyright: ignore[reportUnknownMemberType]  # set in SymbolicZero.__init__
            if aval.dtype == jax.dtypes.float0:
                return np.zeros(aval.shape, dtype=jax.dtypes.float0)
            return jnp.zeros(aval.shape, aval.dtype)
        return leaf

    return jtu.tree_map(fill, cotangent, is_leaf=lambda x: isinstance(x, SymbolicZero))


class filter_custom_vjp(Generic[_T, _P, _R]):
    """`jax.custom_vjp` differentiating only with respect to the first
    argument (`vjp_arg`), and within it only its floating-point arrays.

        @eqx.filter_custom_vjp
        def f(vjp_arg, *args, **kwargs): ...

        @f.def_fwd
        def f_fwd(perturbed, vjp_arg, *args, **kwargs):
            return out, residuals

        @f.def_bwd
        def f_bwd(residuals, grad_obj, perturbed, vjp_arg, *args, **kwargs):
            return grads_for_vjp_arg  # vjp_arg's structure, None for zero

    `perturbed` has `vjp_arg`'s structure: `True` at each floating-point array
    that is being differentiated. Differentiating with respect to an array in
    the other arguments is an error.
    """

    def __init__(self, fn: Callable[Concatenate[_T, _P], _R]) -> None:
        self.fn = fn
        self.fwd: Callable[..., tuple[_R, Any]] | None = None
        self.bwd: Callable[..., Any] | None = None
        # Rules registered with `defvjp` see zeros, not `None`, for floats.
        self.cotangent_view: Callable[[Any], Any] = _symbolic
        functools.update_wrapper(self, fn)  # pyright: ignore[reportArgumentType]  # copies metadata only

    def def_fwd(
        self, fwd: Callable[Concatenate[PyTree, _T, _P], tuple[_R, Any]]
    ) -> Callable[Concatenate[PyTree, _T, _P], tuple[_R, Any]]:
        """Register `fwd(perturbed, vjp_arg, *args, **kwargs) -> (out, residuals)`."""
        self.fwd = fwd
        return fwd

    def def_bwd(
        self, bwd: Callable[Concatenate[Any, Any, PyTree, _T, _P], Any]
    ) -> Callable[Concatenate[Any, Any, PyTree, _T, _P], Any]:
        """Register `bwd(residuals, grad_obj, perturbed, vjp_arg, *args,
        **kwargs)`, returning the cotangent of `vjp_arg`."""
        self.bwd = bwd
        return bwd

    def defvjp(
        self,
        fwd: Callable[Concatenate[_T, _P], tuple[_R, Any]],
        bwd: Callable[Concatenate[Any, Any, _T, _P], Any],
    ) -> None:
        """The older interface, kept as Equinox 0.13 keeps it (with a
        `DeprecationWarning`-style `UserWarning`): `fwd(vjp_arg, *args,
        **kwargs) -> (out, residuals)` and `bwd(residuals, grad_obj, vjp_arg,
        *args, **kwargs)`, without `perturbed`; `grad_obj` holds zeros (not
        `None`) for floating-point outputs."""
        warnings.warn(
            "filter_custom_vjp.defvjp is deprecated: register the rules with "
            "`.def_fwd` and `.def_bwd`, which also receive `perturbed` and see "
            "`None` for symbolic zero cotangents.",
            UserWarning,
            stacklevel=2,
        )

        def fwd_rule(perturbed: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
            del perturbed
            return fwd(x, *args, **kwargs)

        def bwd_rule(
            res: Any, grad_obj: Any, perturbed: Any, x: Any, *args: Any, **kwargs: Any
        ) -> Any:
            del perturbed
            return bwd(res, grad_obj, x, *args, **kwargs)

        self.fwd, self.bwd = fwd_rule, bwd_rule
        self.cotangent_view = _legacy

    def __call__(self, vjp_arg: _T, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        fwd_rule, bwd_rule = self.fwd, self.bwd
        cotangent_view = self.cotangent_view
        if fwd_rule is None or bwd_rule is None:
            raise RuntimeError(
                f"filter_custom_vjp({_name(self.fn)}) was called before both "
                "`.def_fwd` and `.def_bwd` were registered."
            )
        x = _Parts(vjp_arg, lambda i, leaf: is_inexact(leaf))
        rest = _Parts((args, kwargs), lambda i, leaf: False)
        rest_paths = [
            args_path(path)
            for path, leaf in flatten_with_path((args, kwargs))[0]
            if isinstance(leaf, ARRAY_TYPES)
        ]
        fn: Callable[..., Any] = self.fn
        perturbed_cell: list[Any] = [None]

        @jax.custom_vjp
        def call(diff: list[Any], x_other: list[Any], rest_arrays: list[Any]) -> Any:
            a, k = rest.rebuild([], rest_arrays)
            return fn(x.rebuild(diff, x_other), *a, **k)

        def call_fwd(diff: Any, x_other: Any, rest_arrays: Any) -> Any:
            for path, primal in zip(rest_paths, rest_arrays, strict=True):
                if primal.perturbed and is_inexact(primal.value):
                    # RuntimeError: the class Equinox raises here.
                    raise RuntimeError(
                        f"filter_custom_vjp({_name(fn)}): the array at {path} is "
                        "being differentiated, but only the first argument "
                        "(vjp_arg) is differentiable. Move it into vjp_arg."
                    )
            diff_values = [p.value for p in diff]
            other_values = [p.value for p in x_other]
            rest_values = [p.value for p in rest_arrays]
            perturbed = x.at_diff([p.perturbed for p in diff], False)
            perturbed_cell[0] = perturbed
            a, k = rest.rebuild([], rest_values)
            out, residuals = fwd_rule(
                perturbed, x.rebuild(diff_values, other_values), *a, **k
            )
            return out, (residuals, diff_values, other_values, rest_values)

        def call_bwd(saved: Any, cotangent: Any) -> Any:
            residuals, diff_values, other_values, rest_values = saved
            a, k = rest.rebuild([], rest_values)
            vjp_value = x.rebuild(diff_values, other_values)
            grads = bwd_rule(
                residuals,
                cotangent_view(cotangent),
                perturbed_cell[0],
                vjp_value,
                *a,
                **k,
            )
            try:
                grad_leaves = x.treedef.flatten_up_to(grads)
            except (ValueError, TypeError) as e:
                raise ValueError(
                    f"filter_custom_vjp({_name(fn)}): the backward rule must return "
                    "a pytree with the structure of vjp_arg (None for zero "
                    f"cotangents): {e}"
                ) from None
            diff_grads = [
                jnp.zeros_like(primal) if g is None else g
                for g, primal, k in zip(grad_leaves, x.leaves, x.kind, strict=True)
                if k == 0
            ]
            return (
                diff_grads,
                [None] * len(other_values),
                [None] * len(rest_values),
            )

        call.defvjp(call_fwd, call_bwd, symbolic_zeros=True)  # pyright: ignore[reportUnknownMemberType]  # jax leaves defvjp partially untyped
        return call(x.diff, x.other, rest.other)  # type: ignore[no-any-return]  # the output of `fn`

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return functools.partial(cast("Callable[..., Any]", self), instance)
