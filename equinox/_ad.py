"""Filtered automatic differentiation: derivatives with respect to the
floating-point arrays of a pytree; every other leaf is held fixed.

Non-differentiated leaves come back as `None` in gradients and tangents, so a
gradient has the structure (and the type) of what it differentiates.
"""

import functools
from collections.abc import Callable, Sequence
from typing import (
    Any,
    Concatenate,
    Literal,
    ParamSpec,
    Protocol,
    TypeVar,
    TypeVarTuple,
    cast,
    overload,
)

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax.extend.core import Literal as JaxprLiteral
from jax.extend.core import jaxpr_as_fun

from . import _jax_typed as jaxt
from ._errors import equinox_error_from
from ._field import field
from ._leaves import ARRAY_TYPES, PyTree, is_inexact
from ._module import Module
from ._partial import module_update_wrapper
from ._traced_call import SplitOutput
from ._transform_wrapper import FunWrapper, MethodBinding

_T = TypeVar("_T")
_R = TypeVar("_R")
_A = TypeVar("_A")
_P = ParamSpec("_P")
_Ts = TypeVarTuple("_Ts")

_flatten = jtu.tree_flatten


class _Split:
    """A pytree cut into its differentiable leaves and the rest."""

    __slots__ = ("diff", "leaves", "mask", "treedef")

    def __init__(self, tree: Any) -> None:
        leaves, self.treedef = _flatten(tree)
        self.leaves: list[Any] = leaves
        self.mask = [is_inexact(leaf) for leaf in leaves]
        self.diff = [leaf for leaf, m in zip(leaves, self.mask, strict=True) if m]

    def rebuild(self, diff: Sequence[Any]) -> Any:
        """The tree with `diff` in place of the differentiable leaves."""
        it = iter(diff)
        return self.treedef.unflatten(
            [
                next(it) if m else leaf
                for leaf, m in zip(self.leaves, self.mask, strict=True)
            ]
        )

    def rebuild_or_none(self, diff: Sequence[Any]) -> Any:
        """The tree with `diff` at the differentiable leaves, None elsewhere."""
        it = iter(diff)
        return self.treedef.unflatten([next(it) if m else None for m in self.mask])


def _split_aux(out: Any, who: str) -> tuple[Any, Any]:
    """`(main, aux)` from the output of a `has_aux=True` function."""
    if isinstance(out, tuple):
        pair = cast("tuple[object, ...]", out)
        if len(pair) == 2:
            return pair[0], pair[1]
    raise TypeError(
        f"{who}(..., has_aux=True): the function must return a pair "
        f"(output, aux); got {type(cast(object, out)).__name__}."
    )


def _scalar_check(fun: Callable[..., Any], value: Any) -> None:
    if isinstance(value, float):
        return  # a constant: its gradient is zero, as in Equinox
    if not isinstance(value, ARRAY_TYPES) or jnp.shape(value) != ():
        name = getattr(fun, "__qualname__", repr(fun))
        shape = getattr(value, "shape", None)
        kind = type(cast(object, value)).__name__
        what = f"an array of shape {shape}" if shape is not None else f"a {kind}"
        raise TypeError(
            f"filter_grad/filter_value_and_grad({name}): the function must return "
            f"a scalar array (with has_aux=True, a pair (scalar, aux)); got {what}."
        )


def _value_and_grad(
    fun: Callable[..., Any],
    has_aux: bool,
    gradkwargs: dict[str, Any],
    x: Any,
    args: Any,
    kwargs: Any,
) -> tuple[Any, Any]:
    split = _Split(x)

    def differentiable(diff: list[Any]) -> Any:
        out = fun(split.rebuild(diff), *args, **kwargs)
        _scalar_check(fun, _split_aux(out, "filter_grad")[0] if has_aux else out)
        return out

    value, grads = jaxt.value_and_grad(differentiable, has_aux=has_aux, **gradkwargs)(
        split.diff
    )
    return value, split.rebuild_or_none(grads)


@overload
def filter_value_and_grad(
    fun: Callable[Concatenate[_T, _P], _R],
    /,
    *,
    has_aux: Literal[False] = False,
    **gradkwargs: Any,
) -> Callable[Concatenate[_T, _P], tuple[_R, _T]]: ...
@overload
def filter_value_and_grad(
    fun: Callable[Concatenate[_T, _P], tuple[_R, _A]],
    /,
    *,
    has_aux: Literal[True],
    **gradkwargs: Any,
) -> Callable[Concatenate[_T, _P], tuple[tuple[_R, _A], _T]]: ...
@overload
def filter_value_and_grad(
    fun: None = None, /, *, has_aux: Literal[False] = False, **gradkwargs: Any
) -> "_ValueAndGradDecorator": ...
@overload
def filter_value_and_grad(
    fun: None = None, /, *, has_aux: Literal[True], **gradkwargs: Any
) -> "_ValueAndGradAuxDecorator": ...
def filter_value_and_grad(
    fun: Callable[..., Any] | None = None,
    /,
    *,
    has_aux: bool = False,
    **gradkwargs: Any,
) -> Any:
    """`(value, grads)` of `fun` with respect to the floating-point arrays of
    its first argument; `grads` has the first argument's structure and type,
    with `None` at every other leaf. With `has_aux=True`, `fun` returns
    `(value, aux)` and the result is `((value, aux), grads)`. Other keyword
    arguments go to `jax.value_and_grad`."""
    if fun is None:
        return functools.partial(
            _make_value_and_grad, has_aux=has_aux, gradkwargs=gradkwargs
        )
    return _make_value_and_grad(fun, has_aux=has_aux, gradkwargs=gradkwargs)


class _ValueAndGradWrapper(FunWrapper, typecheck=False):
    """`filter_value_and_grad(fun)` at run time: a Module over the function
    and the options (fields as Equinox's)."""

    _has_aux: bool
    _gradkwargs: dict[str, Any]

    def __call__(self, x: Any, /, *args: Any, **kwargs: Any) -> Any:
        return _value_and_grad(
            self._fun, self._has_aux, self._gradkwargs, x, args, kwargs
        )


class _GradWrapper(MethodBinding, typecheck=False):
    """`filter_grad(fun)` at run time: a `_ValueAndGradWrapper` keeping only
    the gradient (fields as Equinox's)."""

    _fun_value_and_grad: _ValueAndGradWrapper
    _has_aux: bool

    @property
    def __wrapped__(self) -> Callable[..., Any]:
        # (The field's class has `__get__`, so mypy reads the field as `Any`.)
        fun: Callable[..., Any] = self._fun_value_and_grad._fun  # pyright: ignore[reportPrivateUsage]  # module-internal
        return fun

    def __set_name__(self, owner: type, name: str) -> None:
        # A method of a Module class: differentiate its checked version.
        inner: _ValueAndGradWrapper = self._fun_value_and_grad
        inner.__set_name__(owner, name)

    def __call__(self, x: Any, /, *args: Any, **kwargs: Any) -> Any:
        value, grads = self._fun_value_and_grad(x, *args, **kwargs)
        if self._has_aux:
            return grads, value[1]
        return grads


def _make_value_and_grad(
    fun: Callable[..., Any], has_aux: bool, gradkwargs: dict[str, Any]
) -> Callable[..., Any]:
    wrapper = _ValueAndGradWrapper(_fun=fun, _has_aux=has_aux, _gradkwargs=gradkwargs)
    return module_update_wrapper(wrapper)


@overload
def filter_grad(
    fun: Callable[Concatenate[_T, _P], Any],
    /,
    *,
    has_aux: Literal[False] = False,
    **gradkwargs: Any,
) -> Callable[Concatenate[_T, _P], _T]: ...
@overload
def filter_grad(
    fun: Callable[Concatenate[_T, _P], tuple[Any, _A]],
    /,
    *,
    has_aux: Literal[True],
    **gradkwargs: Any,
) -> Callable[Concatenate[_T, _P], tuple[_T, _A]]: ...
@overload
def filter_grad(
    fun: None = None, /, *, has_aux: Literal[False] = False, **gradkwargs: Any
) -> "_GradDecorator": ...
@overload
def filter_grad(
    fun: None = None, /, *, has_aux: Literal[True], **gradkwargs: Any
) -> "_GradAuxDecorator": ...
def filter_grad(
    fun: Callable[..., Any] | None = None,
    /,
    *,
    has_aux: bool = False,
    **gradkwargs: Any,
) -> Any:
    """Gradient of the scalar `fun` with respect to the floating-point arrays
    of its first argument. The result has the first argument's structure and
    type, with `None` at every leaf that is not a floating-point array. With
    `has_aux=True`, `fun` returns `(value, aux)` and the result is
    `(grads, aux)`. Other keyword arguments go to `jax.value_and_grad`."""
    if fun is None:
        return functools.partial(_make_grad, has_aux=has_aux, gradkwargs=gradkwargs)
    return _make_grad(fun, has_aux=has_aux, gradkwargs=gradkwargs)


def _make_grad(
    fun: Callable[..., Any], has_aux: bool, gradkwargs: dict[str, Any]
) -> Callable[..., Any]:
    value_and_grad = _ValueAndGradWrapper(
        _fun=fun, _has_aux=has_aux, _gradkwargs=gradkwargs
    )
    wrapper = _GradWrapper(_fun_value_and_grad=value_and_grad, _has_aux=has_aux)
    return module_update_wrapper(wrapper)


# Decorator-factory return types: generic callables, as protocols.


class _GradDecorator(Protocol):
    def __call__(
        self, fun: Callable[Concatenate[_T, _P], Any], /
    ) -> Callable[Concatenate[_T, _P], _T]: ...


class _GradAuxDecorator(Protocol):
    def __call__(
        self, fun: Callable[Concatenate[_T, _P], tuple[Any, _A]], /
    ) -> Callable[Concatenate[_T, _P], tuple[_T, _A]]: ...


class _ValueAndGradDecorator(Protocol):
    def __call__(
        self, fun: Callable[Concatenate[_T, _P], _R], /
    ) -> Callable[Concatenate[_T, _P], tuple[_R, _T]]: ...


class _ValueAndGradAuxDecorator(Protocol):
    def __call__(
        self, fun: Callable[Concatenate[_T, _P], tuple[_R, _A]], /
    ) -> Callable[Concatenate[_T, _P], tuple[tuple[_R, _A], _T]]: ...


# ---------------------------------------------------------------- jvp / vjp


def _zero_cotangent(shape: tuple[int, ...], dtype: Any) -> Any:
    """A zero cotangent for an output leaf (float0 for integer outputs)."""
    if jnp.issubdtype(dtype, jnp.inexact):
        return jnp.zeros(shape, dtype)
    return np.zeros(shape, dtype=jax.dtypes.float0)


@overload
def filter_jvp(
    fn: Callable[..., _R],
    primals: Sequence[Any],
    tangents: Sequence[Any],
    *,
    has_aux: Literal[False] = False,
    **kwargs: Any,
) -> tuple[_R, _R]: ...
@overload
def filter_jvp(
    fn: Callable[..., tuple[_R, _A]],
    primals: Sequence[Any],
    tangents: Sequence[Any],
    *,
    has_aux: Literal[True],
    **kwargs: Any,
) -> tuple[_R, _R, _A]: ...
def filter_jvp(
    fn: Callable[..., Any],
    primals: Sequence[Any],
    tangents: Sequence[Any],
    *,
    has_aux: bool = False,
    **kwargs: Any,
) -> Any:
    """Jacobian-vector product of `fn(*primals, **kwargs)`.

    Floating-point arrays (and Python floats) in `primals` are differentiated;
    `tangents` has the structure of `primals` with a tangent, or `None` for
    zero, at each of them and `None` everywhere else. Returns
    `(primals_out, tangents_out)`; `tangents_out` has `None` at every output
    leaf that is not a floating-point array. Keyword arguments are not
    differentiated. With `has_aux=True`, `fn` returns `(output, aux)` and the
    result is `(primals_out, tangents_out, aux)`.
    """
    if not isinstance(primals, tuple | list) or not isinstance(tangents, tuple | list):
        raise TypeError(
            "filter_jvp(fn, primals, tangents): primals and tangents must be "
            f"tuples or lists of arguments; got {type(primals).__name__} and "
            f"{type(tangents).__name__}."
        )
    primals_t = tuple(primals)
    leaves, treedef = _flatten(primals_t)
    try:
        tangent_subtrees = treedef.flatten_up_to(tuple(tangents))
    except (ValueError, TypeError) as e:
        raise ValueError(
            "filter_jvp: tangents must have the structure of primals (with None "
            f"for leaves that are not differentiated): {e}"
        ) from None
    mask = [is_inexact(leaf) or isinstance(leaf, float) for leaf in leaves]
    # A `None` tangent is a symbolic zero: that leaf is not differentiated.
    perturbed = [
        m and t is not None for m, t in zip(mask, tangent_subtrees, strict=True)
    ]
    diff: list[Any] = []
    diff_tangents: list[Any] = []
    for i, (leaf, m, t) in enumerate(zip(leaves, mask, tangent_subtrees, strict=True)):
        if not m:
            if t is not None:
                # TypeError: the class Equinox (and jax.jvp) raises here.
                raise TypeError(
                    f"filter_jvp: a tangent was given for primal leaf {i}, which is "
                    f"not a floating-point array (it is {type(leaf).__name__}); "
                    "use None there."
                )
            continue
        if t is None:
            continue
        primal = jnp.asarray(leaf)
        tangent = jnp.asarray(t)
        if tangent.shape != primal.shape:
            raise ValueError(
                f"filter_jvp: the tangent for primal leaf {i} has shape "
                f"{tangent.shape}, but the primal has shape {primal.shape}."
            )
        if tangent.dtype != primal.dtype:
            # TypeError: the class Equinox (and jax.jvp) raises here.
            raise TypeError(
                f"filter_jvp: the tangent for primal leaf {i} has dtype "
                f"{tangent.dtype}, but the primal has dtype {primal.dtype}."
            )
        diff.append(primal)
        diff_tangents.append(tangent)
    output = SplitOutput()
    aux_output = SplitOutput()

    def call(diff_leaves: list[Any]) -> tuple[list[Any], list[Any]]:
        it = iter(diff_leaves)
        full = [
            next(it) if p else leaf for leaf, p in zip(leaves, perturbed, strict=True)
        ]
        out = fn(*treedef.unflatten(full), **kwargs)
        if has_aux:
            main, aux = _split_aux(out, "filter_jvp")
            return output.split(main), aux_output.split(aux)
        return output.split(out), []

    if diff:
        out, aux_arrays, tangents_out = _jvp_with_symbolic_zeros(
            call, diff, diff_tangents
        )
    else:
        # Nothing is perturbed: every output tangent is a symbolic zero.
        out, aux_arrays = call([])
        tangents_out = [None] * len(out)
    primal_tree = output.rebuild(out)
    tangent_tree = output.arrays_only(tangents_out)
    if has_aux:
        return primal_tree, tangent_tree, aux_output.rebuild(aux_arrays)
    return primal_tree, tangent_tree


def _depends_on(jaxpr: Any, sources: set[Any]) -> list[bool]:
    """For each output of `jaxpr`: may it depend on any variable in
    `sources`? (Conservative for primitives with inner jaxprs.)"""
    reached = set(sources)
    for eqn in jaxpr.eqns:
        if any(not isinstance(v, JaxprLiteral) and v in reached for v in eqn.invars):
            reached.update(eqn.outvars)
    return [not isinstance(v, JaxprLiteral) and v in reached for v in jaxpr.outvars]


def _jvp_with_symbolic_zeros(
    call: Callable[[list[Any]], tuple[list[Any], list[Any]]],
    diff: list[Any],
    diff_tangents: list[Any],
) -> tuple[list[Any], list[Any], list[Any]]:
    """`jax.jvp` of `call`, with `None` for each output tangent that cannot
    depend on the input tangents (as Equinox returns them): the JVP is traced
    to a jaxpr once, its data flow read, and the jaxpr evaluated."""
    sizes: list[int] = []

    def jvp_call(primals: list[Any], tangents: list[Any]) -> list[Any]:
        (out, aux), (t_out, _) = jaxt.jvp(call, (primals,), (tangents,))
        sizes[:] = [len(out), len(aux)]
        return [*out, *aux, *t_out]

    closed: Any = jaxt.make_jaxpr(jvp_call)(diff, diff_tangents)
    run = cast("Callable[..., Sequence[Any]]", jaxpr_as_fun(closed))
    try:
        values: list[Any] = list(run(*diff, *diff_tangents))
    except Exception as error:
        # A failed `eqx.error_if` in eager code: raise it as itself.
        checked = equinox_error_from(error)
        if checked is None:
            raise
        raise checked from None
    num_out, num_aux = sizes
    tangent_vars = set(closed.jaxpr.invars[len(diff) :])
    depends = _depends_on(closed.jaxpr, tangent_vars)[num_out + num_aux :]
    out = values[:num_out]
    tangents = [
        t if d and is_inexact(o) else None
        for o, t, d in zip(out, values[num_out + num_aux :], depends, strict=True)
    ]
    return out, values[num_out : num_out + num_aux], tangents


class _VjpFn(Module, typecheck=False):
    """`filter_vjp`'s `vjp_fn`: a pytree whose leaves are the residuals of
    JAX's pullback (as Equinox's), so it can be returned from a `filter_jit`
    or passed through transformations; the rest is static."""

    pullback: Callable[[list[Any]], tuple[list[Any]]]
    output: SplitOutput = field(static=True)
    out_types: tuple[tuple[tuple[int, ...], Any], ...] = field(static=True)
    primals_treedef: Any = field(static=True)
    mask: tuple[bool, ...] = field(static=True)

    def __call__(self, cotangent: Any) -> tuple[Any, ...]:
        output = self.output
        try:
            ct_leaves = output.treedef.flatten_up_to(cotangent)
        except (ValueError, TypeError) as e:
            raise ValueError(
                "filter_vjp: the cotangent must have the structure of the "
                f"output (None where there is no cotangent): {e}"
            ) from None
        cts: list[Any] = []
        types = iter(self.out_types)
        for ct, static in zip(ct_leaves, output.static, strict=True):
            if static is not None:
                if ct is not None:
                    raise ValueError(
                        "filter_vjp: the cotangent of a non-array output must be "
                        f"None; got {ct!r} for output {static!r}."
                    )
                continue
            shape, dtype = next(types)
            if ct is None or not jnp.issubdtype(dtype, jnp.inexact):
                cts.append(_zero_cotangent(shape, dtype))
            else:
                cts.append(ct)
        (grads,) = self.pullback(cts)
        it = iter(grads)
        return tuple(
            self.primals_treedef.unflatten([next(it) if m else None for m in self.mask])
        )


@overload
def filter_vjp(
    fun: Callable[[*_Ts], _R], /, *primals: *_Ts, has_aux: Literal[False] = False
) -> tuple[_R, Callable[[_R], tuple[*_Ts]]]: ...
@overload
def filter_vjp(
    fun: Callable[[*_Ts], tuple[_R, _A]], /, *primals: *_Ts, has_aux: Literal[True]
) -> tuple[_R, Callable[[_R], tuple[*_Ts]], _A]: ...
def filter_vjp(  # type: ignore[misc]  # mypy cannot match *Ts overloads to an Any implementation
    fun: Callable[..., Any], /, *primals: Any, has_aux: bool = False
) -> Any:
    """Vector-Jacobian product: returns `(out, vjp_fn)` (or `(out, vjp_fn, aux)`
    with `has_aux=True`). `vjp_fn(cotangent)` takes a cotangent with the
    structure of `out` (`None` at leaves that are not floating-point arrays)
    and returns a tuple, one entry per primal, with the cotangents of their
    floating-point arrays and `None` at every other leaf."""
    split = _Split(primals)
    output = SplitOutput()

    def differentiable(diff: list[Any]) -> Any:
        out = fun(*split.rebuild(diff))
        if has_aux:
            main, aux = _split_aux(out, "filter_vjp")
            return output.split(main), aux
        return output.split(out)

    result: tuple[Any, ...] = jaxt.vjp(differentiable, split.diff, has_aux=has_aux)
    out_arrays: list[Any] = result[0]
    vjp_fn = _VjpFn(
        pullback=result[1],
        output=output,
        out_types=tuple((jnp.shape(x), jnp.result_type(x)) for x in out_arrays),
        primals_treedef=split.treedef,
        mask=tuple(split.mask),
    )
    out = output.rebuild(out_arrays)
    if has_aux:
        return out, vjp_fn, result[2]
    return out, vjp_fn


# -------------------------------------------------------------- Jacobians


def _jax_values(out: Any) -> Any:
    """As Equinox: every output leaf is differentiated, so Python numbers
    become arrays and any other leaf is a `TypeError`."""

    def convert(leaf: Any) -> Any:
        if isinstance(leaf, ARRAY_TYPES):
            return leaf
        if isinstance(leaf, bool | int | float | complex):
            return jnp.asarray(leaf)
        raise TypeError(
            f"filter_jacfwd/filter_jacrev: every output leaf must be an array "
            f"or a Python number; got {type(leaf).__name__} {leaf!r}."
        )

    return jtu.tree_map(convert, out)


def _jacobian(
    fun: Callable[..., Any],
    has_aux: bool,
    rev: bool,
    x: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    split = _Split(x)
    output = SplitOutput()

    def differentiable(diff: list[Any]) -> Any:
        out = fun(split.rebuild(diff), *args, **kwargs)
        if has_aux:
            main, aux = _split_aux(out, "filter_jacfwd/filter_jacrev")
            return output.split(_jax_values(main)), aux
        return output.split(_jax_values(out))

    jac = jaxt.jacrev if rev else jaxt.jacfwd
    result = jac(differentiable, has_aux=has_aux)(split.diff)
    rows = result[0] if has_aux else result
    # One row per array output, holding a Jacobian per differentiable input.
    jacobian = output.arrays_only([split.rebuild_or_none(r) for r in rows])
    return (jacobian, result[1]) if has_aux else jacobian


class _Jac(Module, typecheck=False):
    """`filter_jacfwd`/`filter_jacrev(fun)` at run time: a Module over the
    function and the options. As Equinox's: it does not copy the function's
    name or docstring, and it does not bind as a method."""

    fun: Callable[..., Any]
    has_aux: bool
    rev: bool

    def __call__(self, x: Any, /, *args: Any, **kwargs: Any) -> Any:
        return _jacobian(self.fun, self.has_aux, self.rev, x, args, kwargs)


def _make_jac(fun: Callable[..., Any], has_aux: bool, rev: bool) -> Callable[..., Any]:
    return _Jac(fun=fun, has_aux=has_aux, rev=rev)


class _JacobianDecorator(Protocol):
    def __call__(
        self, fun: Callable[Concatenate[_T, _P], Any], /
    ) -> Callable[Concatenate[_T, _P], PyTree]: ...


@overload
def filter_jacfwd(
    fun: Callable[Concatenate[_T, _P], Any], has_aux: bool = False
) -> Callable[Concatenate[_T, _P], PyTree]: ...
@overload
def filter_jacfwd(fun: None = None, has_aux: bool = False) -> _JacobianDecorator: ...
def filter_jacfwd(
    fun: Callable[..., Any] | None = None, has_aux: bool = False
) -> Callable[..., Any] | _JacobianDecorator:
    """Jacobian of `fun` (forward mode) with respect to the floating-point
    arrays of its first argument. The result has the output's structure; each
    output leaf holds a pytree with the first argument's structure (`None`
    where nothing is differentiated). With `has_aux`, `(jacobian, aux)`."""
    if fun is None:
        return functools.partial(_make_jac, has_aux=has_aux, rev=False)
    return _make_jac(fun, has_aux=has_aux, rev=False)


@overload
def filter_jacrev(
    fun: Callable[Concatenate[_T, _P], Any], has_aux: bool = False
) -> Callable[Concatenate[_T, _P], PyTree]: ...
@overload
def filter_jacrev(fun: None = None, has_aux: bool = False) -> _JacobianDecorator: ...
def filter_jacrev(
    fun: Callable[..., Any] | None = None, has_aux: bool = False
) -> Callable[..., Any] | _JacobianDecorator:
    """As `filter_jacfwd`, in reverse mode."""
    if fun is None:
        return functools.partial(_make_jac, has_aux=has_aux, rev=True)
    return _make_jac(fun, has_aux=has_aux, rev=True)


@overload
def filter_hessian(
    fun: Callable[Concatenate[_T, _P], Any], has_aux: bool = False
) -> Callable[Concatenate[_T, _P], PyTree]: ...
@overload
def filter_hessian(fun: None = None, has_aux: bool = False) -> _JacobianDecorator: ...
def filter_hessian(
    fun: Callable[..., Any] | None = None, has_aux: bool = False
) -> Callable[..., Any] | _JacobianDecorator:
    """Hessian of the scalar `fun` with respect to the floating-point arrays
    of its first argument (`filter_jacfwd(filter_jacrev(fun))`)."""
    if fun is None:
        return functools.partial(_hessian, has_aux=has_aux)
    return _hessian(fun, has_aux=has_aux)


def _hessian(fun: Callable[..., Any], has_aux: bool) -> Callable[..., Any]:
    inner = _make_jac(fun, has_aux=has_aux, rev=True)
    return _make_jac(inner, has_aux=has_aux, rev=False)
